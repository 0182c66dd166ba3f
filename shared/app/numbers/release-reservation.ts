/**
 * A tenant gives a held number back. Primary course: the number returns to the pool and leaves the
 * tenant's hold list, in one commit. Variation: someone changed either meanwhile, so it reads again.
 */
import { conflict, notFound } from '../../domain/errors.js';
import { decide } from '../../domain/numbers/lifecycle.js';
import { nextNumber } from '../../domain/numbers/number.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';

export async function releaseReservation(
  deps: NumbersDeps,
  numberId: string,
  tenantId: string,
  at: string,
): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const number = await deps.numbers.get(numberId);
    if (!number) throw notFound('number_not_found', 'no such number among yours');
    const transition = decide(number, { type: 'release_hold', tenantId }, at, deps.config);
    const next = nextNumber(number, transition.state, at);
    const committed = await deps.numbers.commit([
      {
        kind: 'number',
        before: number,
        after: next,
        history: {
          at,
          from: number.status,
          to: 'available',
          command: 'release_hold',
          actor: tenantId,
          tenantId,
        },
      },
      await holdConsumed(deps, tenantId, numberId, at),
    ]);
    if (committed) return;
  }
  throw conflict('concurrent_update', 'the number changed meanwhile; try again');
}
