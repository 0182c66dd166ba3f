/** What a tenant sees of one of its numbers (its status as of now: an expired hold shows as available). */
import { actorForTenant } from './application.js';
import { effectiveStatus } from './lifecycle.js';
import type { HistoryEntry, NumberRecord } from './number.js';

export interface NumberView {
  readonly number: string;
  readonly segment: string;
  readonly tier: string;
  readonly selectionFee: number;
  readonly status: string;
  readonly holdExpiresAt?: string;
  readonly applicationId?: string;
  readonly accessNumber?: string;
  readonly restrictions?: NumberRecord['restrictions'];
  readonly contractId?: string;
  readonly planId?: string;
  readonly retentionEndsAt?: string;
  readonly arrearsRestoreBy?: string;
  readonly cancellationEffectiveAt?: string;
  readonly transferTo?: string;
  /** The pending offer's id: the recipient's qualification names it (`transferOfferId`). */
  readonly transferOfferId?: string;
  readonly updatedAt: string;
}

export function numberView(number: NumberRecord, at: string): NumberView {
  const pick = <K extends keyof NumberRecord>(key: K) =>
    number[key] !== undefined ? { [key]: number[key] } : {};
  return {
    number: number.number,
    segment: number.segment,
    tier: number.tier,
    selectionFee: number.selectionFee,
    status: effectiveStatus(number, at),
    ...pick('holdExpiresAt'),
    ...pick('applicationId'),
    ...pick('accessNumber'),
    ...pick('restrictions'),
    ...pick('contractId'),
    ...pick('planId'),
    ...pick('retentionEndsAt'),
    ...pick('arrearsRestoreBy'),
    ...pick('cancellationEffectiveAt'),
    ...pick('transferTo'),
    ...pick('transferOfferId'),
    updatedAt: number.updatedAt,
  } as NumberView;
}

/**
 * What a tenant that held a number before sees of it (its tenure ended: transferred away or cancelled): the
 * number, its own periods (`tenure`) and, with historyOf, its own history rows; nothing of the number now,
 * which may be another tenant's. `undefined` when the tenant never held it.
 */
export function formerOwnerView(number: NumberRecord, tenantId: string) {
  const tenure = (number.owners ?? [])
    .filter((period) => period.tenantId === tenantId)
    .map(({ from, to }) => ({ from, ...(to ? { to } : {}) }));
  if (tenure.length === 0) return undefined;
  return {
    number: number.number,
    segment: number.segment,
    tier: number.tier,
    status: 'former' as const,
    tenure,
  };
}

/** Commands a transfer's recipient issues: the previous owner chose that tenant, so it may see its id. */
const RECIPIENT_COMMANDS = new Set(['accept_transfer', 'abandon_transfer']);

/**
 * The part of a number's history a tenant may see: its own rows, without who else was involved (operators
 * show as "operator", jobs as "system").
 */
export function historyOf(entries: readonly HistoryEntry[], tenantId: string) {
  return entries
    .filter((h) => h.tenantId === tenantId)
    .map(({ at, from, to, command, actor, note }) => ({
      at,
      from,
      to,
      command,
      actor:
        RECIPIENT_COMMANDS.has(command) && actorForTenant(actor, tenantId) === 'operator'
          ? actor
          : actorForTenant(actor, tenantId),
      ...(note ? { note } : {}),
    }));
}
