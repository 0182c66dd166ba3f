/** A tenant lists its applications. Primary course: newest first, a page at a time, without documents. */
import { type ApplicationView, applicationView } from '../../domain/numbers/application.js';
import type { Page } from '../../ports/paging.js';
import type { NumbersDeps } from './deps.js';

export async function listApplications(
  deps: NumbersDeps,
  tenantId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ApplicationView>> {
  const page = await deps.applications.listOfTenant(tenantId, {
    limit,
    ...(cursor !== undefined ? { cursor } : {}),
  });
  return { ...page, items: page.items.map((a) => applicationView(a)) };
}
