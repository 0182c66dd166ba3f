/** A tenant lists its numbers. Primary course: a page at a time, only those it owns now (an expired hold is gone). */
import { currentOwner } from '../../domain/numbers/lifecycle.js';
import { type NumberView, numberView } from '../../domain/numbers/number-view.js';
import type { Page } from '../../ports/paging.js';
import type { NumbersDeps } from './deps.js';

export async function listMyNumbers(
  deps: NumbersDeps,
  tenantId: string,
  limit: number,
  cursor: string | undefined,
  at: string,
): Promise<Page<NumberView>> {
  const page = await deps.numbers.listOfTenant(tenantId, {
    limit,
    ...(cursor !== undefined ? { cursor } : {}),
  });
  const items = page.items.filter((n) => currentOwner(n, at) === tenantId).map((n) => numberView(n, at));
  return { ...page, items };
}
