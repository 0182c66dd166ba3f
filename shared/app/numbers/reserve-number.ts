/**
 * A tenant reserves a number. Primary course: the number is available, the tenant holds fewer than the
 * hold limit; the hold on the number and the tenant's hold list commit together, so two tenants racing for
 * a number get exactly one winner and no tenant ever exceeds its limit. Variations: reserving what the
 * tenant already holds answers the same hold; someone changed the number or the tenant's holds meanwhile,
 * so it reads and decides again.
 */
import { conflict, notFound } from '../../domain/errors.js';
import { decide, effectiveStatus } from '../../domain/numbers/lifecycle.js';
import { nextNumber } from '../../domain/numbers/number.js';
import type { NumbersDeps } from './deps.js';
import { liveHolds } from './holds.js';

export interface Hold {
  readonly number: string;
  readonly tenantId: string;
  readonly holdExpiresAt: string;
}

export async function reserveNumber(
  deps: NumbersDeps,
  numberId: string,
  tenantId: string,
  at: string,
): Promise<Hold> {
  const { config } = deps;
  for (let attempt = 0; attempt < 8; attempt++) {
    const number = await deps.numbers.get(numberId);
    if (!number) throw notFound('number_not_found', 'no such number in the inventory');
    if (effectiveStatus(number, at) === 'reserved' && number.tenantId === tenantId) {
      // Reserving what you already hold is harmless: the same hold comes back.
      return { number: numberId, tenantId, holdExpiresAt: number.holdExpiresAt as string };
    }
    const transition = decide(number, { type: 'reserve', tenantId }, at, config);
    const current = await deps.numbers.holds(tenantId);
    const holds = liveHolds(current?.holds, at, numberId);
    if (Object.keys(holds).length >= config.holdLimit) {
      throw conflict('hold_limit_reached', `a tenant may hold at most ${config.holdLimit} numbers at once`, {
        holdLimit: config.holdLimit,
      });
    }
    const next = nextNumber(number, transition.state, at);
    holds[numberId] = next.holdExpiresAt as string;
    const committed = await deps.numbers.commit([
      {
        kind: 'number',
        before: number,
        after: next,
        history: {
          at,
          from: effectiveStatus(number, at),
          to: 'reserved',
          command: 'reserve',
          actor: tenantId,
          tenantId,
        },
      },
      { kind: 'holds', tenantId, holds, ...(current ? { expectedVersion: current.version } : {}) },
    ]);
    if (committed) return { number: numberId, tenantId, holdExpiresAt: next.holdExpiresAt as string };
  }
  throw conflict('concurrent_update', 'the number changed while reserving it; try again');
}
