/**
 * Who held a number when: ownership periods, kept on the number item (which ingest reads already) so a
 * call is charged to the tenant that held the number, through the access number bound then, when the
 * call STARTED. A period opens when the number comes into service for a tenant (activation, or
 * acceptance of a transfer) and closes when it leaves them (transfer, end of tenure: cancellation,
 * arrears or retention expiry). Statuses that hold a number are the billable ones.
 */
import type { ParkReason } from '../calls/time-bounds.js';
import { BILLABLE_STATUSES, type LifecycleState } from './lifecycle.js';

export interface OwnershipPeriod {
  readonly tenantId: string;
  /** The access number bound to the 400 number during the period. */
  readonly accessNumber?: string;
  /** ISO instants: [from, to); `to` absent while the period runs. */
  readonly from: string;
  readonly to?: string;
}

function holderOf(state: LifecycleState): { tenantId: string; accessNumber?: string } | undefined {
  if (!state.tenantId || !BILLABLE_STATUSES.includes(state.status)) return undefined;
  return { tenantId: state.tenantId, ...(state.accessNumber ? { accessNumber: state.accessNumber } : {}) };
}

/** The periods after a transition at `at`: the running one closed and/or a new one opened when the holder changes. */
export function ownershipAfter(
  periods: readonly OwnershipPeriod[] | undefined,
  before: LifecycleState,
  after: LifecycleState,
  at: string,
): readonly OwnershipPeriod[] | undefined {
  const was = holderOf(before);
  const now = holderOf(after);
  if (was?.tenantId === now?.tenantId && was?.accessNumber === now?.accessNumber) return periods;
  const list = [...(periods ?? [])];
  const last = list[list.length - 1];
  if (last && last.to === undefined) list[list.length - 1] = { ...last, to: at };
  if (now) list.push({ ...now, from: at });
  return list;
}

/**
 * The period a call that started at `startedAt` falls in, for the access number it came through.
 * `undefined`: before the first activation, in a gap, or through an access number not bound then.
 */
export function holderAt(
  periods: readonly OwnershipPeriod[],
  startedAt: string,
  accessNumber: string,
): OwnershipPeriod | undefined {
  const t = Date.parse(startedAt);
  return periods.find(
    (p) =>
      Date.parse(p.from) <= t &&
      (p.to === undefined || t < Date.parse(p.to)) &&
      (p.accessNumber === undefined || p.accessNumber === accessNumber),
  );
}

/**
 * Whom a new call is charged to: the tenant that held the number (through that access number) when the
 * call started; for a number written before ownership was kept, its current holder. Otherwise the call is
 * parked for review, never charged to whoever holds the number now.
 */
export function chargeHolder(
  bound: { readonly tenantId: string; readonly number: string; readonly owners?: readonly OwnershipPeriod[] },
  startedAt: string,
  accessNumber: string,
): { readonly tenantId: string } | { readonly park: ParkReason } {
  if (!bound.owners) return { tenantId: bound.tenantId };
  const period = holderAt(bound.owners, startedAt, accessNumber);
  if (period) return { tenantId: period.tenantId };
  return {
    park: {
      code: 'no_owner_at_start',
      reason: `nobody held ${bound.number} through ${accessNumber} when the call started (before its first activation, or between owners)`,
    },
  };
}
