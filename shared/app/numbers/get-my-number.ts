/**
 * A tenant reads one of its numbers. Primary course: the number as of now with the tenant's own part of
 * its history. Variation: a number it held before (transferred away, cancelled) answers its own tenure and
 * history rows, nothing of the number now. Variation: a number it never held is a 404, so foreign numbers
 * are indistinguishable from none.
 */
import { notFound } from '../../domain/errors.js';
import { currentOwner } from '../../domain/numbers/lifecycle.js';
import { formerOwnerView, historyOf, numberView } from '../../domain/numbers/number-view.js';
import type { NumbersDeps } from './deps.js';

export async function getMyNumber(deps: NumbersDeps, tenantId: string, numberId: string, at: string) {
  const number = await deps.numbers.get(numberId);
  if (!number) throw notFound('number_not_found', 'no such number among yours');
  const current = currentOwner(number, at) === tenantId;
  const view = current ? numberView(number, at) : formerOwnerView(number, tenantId);
  if (!view) throw notFound('number_not_found', 'no such number among yours');
  return { ...view, history: historyOf(await deps.numbers.history(numberId), tenantId) };
}
