/**
 * A tenant's holds: which numbers it holds until when, written with every change of a hold (in the same
 * commit as the number), so no tenant ever holds more than the hold limit at once. A number counts from its
 * reservation until it is the tenant's (approved) or back in the pool: held, in a draft or rejected
 * application (until its fix-by date), and under review (until decided), so submitting applications is no
 * way to hoard numbers past the limit.
 */
import type { NumberWrite } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';

/** The expiry of a hold whose application is under review: it ends when the application is decided. */
export const UNTIL_DECIDED = '9999-12-31T23:59:59.999Z';

/** The holds still running at `at`, without `except`. */
export const liveHolds = (holds: Readonly<Record<string, string>> | undefined, at: string, except?: string) =>
  Object.fromEntries(Object.entries(holds ?? {}).filter(([n, expires]) => n !== except && expires > at));

/** The tenant's hold list with `number` dropped (the hold became an application, or ended). */
export async function holdConsumed(
  deps: NumbersDeps,
  tenantId: string,
  number: string,
  at: string,
): Promise<NumberWrite> {
  const current = await deps.numbers.holds(tenantId);
  return {
    kind: 'holds',
    tenantId,
    holds: liveHolds(current?.holds, at, number),
    ...(current ? { expectedVersion: current.version } : {}),
  };
}

/**
 * The tenant's hold list keeping `number` until `until` (a draft application still counts toward the hold
 * limit, so drafts cannot be used to hoard numbers past it).
 */
export async function holdExtended(
  deps: NumbersDeps,
  tenantId: string,
  number: string,
  until: string,
  at: string,
): Promise<NumberWrite> {
  const current = await deps.numbers.holds(tenantId);
  return {
    kind: 'holds',
    tenantId,
    holds: { ...liveHolds(current?.holds, at, number), [number]: until },
    ...(current ? { expectedVersion: current.version } : {}),
  };
}
