/**
 * A 400 number as the product keeps it: what the inventory knows of it (segment, tier, selection fee), its
 * lifecycle state, and what an owner attaches (access number binding, restrictions, contract, plan). The
 * rules of a transition's result live here: an owner's attachments leave with the owner, the version counts
 * every change, and each status runs at most one timer.
 */
import { classify } from './classifier.js';
import type { NumbersConfig, Segment, TierId } from './config.js';
import { type LifecycleState, type NumberStatus, serviceEndsAt } from './lifecycle.js';
import { type OwnershipPeriod, ownershipAfter } from './ownership.js';

export interface Restrictions {
  readonly noMultiLevelTransfer: boolean;
  readonly recordingAnnouncementRequired: boolean;
}

/** Restrictions of a number whose owner has none recorded. */
export const NO_RESTRICTIONS: Restrictions = {
  noMultiLevelTransfer: false,
  recordingAnnouncementRequired: false,
};

export interface NumberRecord extends LifecycleState {
  readonly number: string;
  readonly segment: Segment;
  readonly tier: TierId;
  readonly tierRank: number;
  readonly selectionFee: number;
  readonly pattern?: string;
  readonly phoneNumberId?: string;
  readonly restrictions?: Restrictions;
  readonly contractId?: string;
  /** The contract's plan (rating applies its included minutes); set on activation, kept on transfer. */
  readonly planId?: string;
  /** Who held the number when (./ownership.ts): ingest charges a call to the holder at its start. */
  readonly owners?: readonly OwnershipPeriod[];
  readonly version: number;
  readonly importedAt: string;
  readonly updatedAt: string;
}

/** Attributes a command may set on the number beside its lifecycle state. */
export type NumberExtra = Partial<
  Pick<NumberRecord, 'phoneNumberId' | 'restrictions' | 'contractId' | 'planId'>
>;

export interface HistoryEntry {
  readonly at: string;
  readonly from: NumberStatus;
  readonly to: NumberStatus;
  readonly command: string;
  readonly actor: string;
  readonly tenantId?: string;
  readonly note?: string;
}

export type Timer = 'hold' | 'retention' | 'arrears' | 'notice' | 'quarantine-start' | 'quarantine';

/** The one timer each status may run (the jobs sweep what is due on each). */
export function timerOf(state: LifecycleState, at: string): { timer: Timer; due: string } | undefined {
  switch (state.status) {
    case 'reserved':
      return state.holdExpiresAt ? { timer: 'hold', due: state.holdExpiresAt } : undefined;
    case 'suspended':
      return state.retentionEndsAt ? { timer: 'retention', due: state.retentionEndsAt } : undefined;
    case 'arrears_stopped':
      return state.arrearsRestoreBy ? { timer: 'arrears', due: state.arrearsRestoreBy } : undefined;
    case 'cancellation_requested':
      return state.cancellationEffectiveAt
        ? { timer: 'notice', due: state.cancellationEffectiveAt }
        : undefined;
    case 'cancelled':
      return { timer: 'quarantine-start', due: at };
    case 'quarantined':
      return state.quarantineUntil ? { timer: 'quarantine', due: state.quarantineUntil } : undefined;
    default:
      return undefined;
  }
}

export const LIFECYCLE_FIELDS = [
  'status',
  'tenantId',
  'holdExpiresAt',
  'applicationId',
  'accessNumber',
  'suspendedAt',
  'retentionUsedDays',
  'retentionEndsAt',
  'arrearsRestoreBy',
  'transferTo',
  'transferOfferId',
  'transferOfferedAt',
  'cancellationEffectiveAt',
  'statusBeforeCancellation',
  'previousTenantId',
  'quarantinedAt',
  'quarantineUntil',
] as const;

export function lifecycleOf(record: LifecycleState): LifecycleState {
  const state: Record<string, unknown> = {};
  for (const field of LIFECYCLE_FIELDS) if (record[field] !== undefined) state[field] = record[field];
  return state as unknown as LifecycleState;
}

/** The number after a transition: static attributes kept, lifecycle replaced, an owner's attachments dropped with the owner. */
export function nextNumber(
  record: NumberRecord,
  state: LifecycleState,
  at: string,
  extra: NumberExtra = {},
): NumberRecord {
  // Attributes this module does not know are kept as they are.
  const base: Record<string, unknown> = { ...record, ...extra };
  for (const field of LIFECYCLE_FIELDS) delete base[field];
  if (state.tenantId === undefined) {
    delete base.restrictions;
    delete base.phoneNumberId;
    delete base.contractId;
    delete base.planId;
  }
  // A cancellation ends the tenure at its notice instant (serviceEndsAt), however late the job runs.
  const endsAt = serviceEndsAt(record);
  const owners = ownershipAfter(record.owners, record, state, endsAt && endsAt < at ? endsAt : at);
  return {
    ...(base as unknown as NumberRecord),
    ...state,
    ...(owners ? { owners } : {}),
    version: record.version + 1,
    updatedAt: at,
  };
}

/** A number new to the inventory: classified (segment, tier, selection fee) and available. */
export function inventoryNumber(number: string, at: string, config: NumbersConfig): NumberRecord {
  const c = classify(number, config);
  return {
    number,
    segment: c.segment,
    tier: c.tier,
    tierRank: c.tierRank,
    selectionFee: c.selectionFee,
    ...(c.pattern ? { pattern: c.pattern } : {}),
    status: 'available',
    version: 1,
    importedAt: at,
    updatedAt: at,
  };
}
