/**
 * The number lifecycle: the one place that decides which transitions exist. Every command either yields
 * the next state plus the effects the adapters must carry out (settlement, refunds, Connect, notices) or
 * throws a 409 naming what is wrong. Pure: time comes in as `at`, configuration as an argument.
 *
 *   available → reserved → applied → (rejected → applied …) → activating → active
 *   activating → approved (activation rolled back: the claimed access number released) → activating …
 *   approved → available (the tenant withdraws an approval that never went into service)
 *   active ⇄ suspended (capped retention) · active → arrears_stopped → active | cancelled
 *   active → transfer_pending → active (new owner, old owner settled first)
 *   active|suspended|arrears_stopped → cancellation_requested → cancelled → quarantined → available
 */
import { conflict, DomainError } from '../errors.js';
import type { NumbersConfig } from './config.js';

export const NUMBER_STATUSES = [
  'available',
  'reserved',
  'applied',
  'rejected',
  'approved',
  'activating',
  'active',
  'suspended',
  'arrears_stopped',
  'transfer_pending',
  'cancellation_requested',
  'cancelled',
  'quarantined',
] as const;
export type NumberStatus = (typeof NUMBER_STATUSES)[number];

/** States in which the owner runs up fees: leaving them for good requires settling first. */
export const BILLABLE_STATUSES: readonly NumberStatus[] = [
  'active',
  'suspended',
  'arrears_stopped',
  'transfer_pending',
  'cancellation_requested',
];

/**
 * States in which the number is its tenant's own (approved, in service, or on its way out of it): only
 * then may the tenant route it. A hold, an application under review or a rejected one is not ownership.
 */
export const OWNED_STATUSES: readonly NumberStatus[] = ['approved', 'activating', ...BILLABLE_STATUSES];

export interface LifecycleState {
  readonly status: NumberStatus;
  readonly tenantId?: string;
  readonly holdExpiresAt?: string;
  readonly applicationId?: string;
  readonly accessNumber?: string;
  readonly suspendedAt?: string;
  /** Retention already used by earlier suspensions, in days (a retention month is 30 days). */
  readonly retentionUsedDays?: number;
  /** When the running suspension exhausts the retention cap. */
  readonly retentionEndsAt?: string;
  readonly arrearsRestoreBy?: string;
  readonly transferTo?: string;
  /**
   * The pending offer's own id and when it was made: a recipient's qualification counts only for the offer
   * it was filed under (./transfer-offer.ts). Offers made before offers had ids carry neither.
   */
  readonly transferOfferId?: string;
  readonly transferOfferedAt?: string;
  readonly cancellationEffectiveAt?: string;
  /** The status a withdrawn cancellation request returns to. */
  readonly statusBeforeCancellation?: NumberStatus;
  readonly previousTenantId?: string;
  readonly quarantinedAt?: string;
  readonly quarantineUntil?: string;
}

export type LifecycleCommand =
  | { readonly type: 'reserve'; readonly tenantId: string }
  | { readonly type: 'release_hold'; readonly tenantId: string }
  | { readonly type: 'expire_hold' }
  | { readonly type: 'apply'; readonly tenantId: string; readonly applicationId: string }
  | { readonly type: 'withdraw_application'; readonly tenantId: string }
  /**
   * The tenant gives up its approved application whose number never went into service (its activation
   * rolled back): the number goes straight back to the pool, no quarantine (it never carried a call).
   */
  | { readonly type: 'withdraw_approval'; readonly tenantId: string; readonly applicationId: string }
  | { readonly type: 'reject' }
  | { readonly type: 'resubmit'; readonly tenantId: string }
  | { readonly type: 'approve' }
  /** An operator approves again a number whose activation was rolled back: another activation starts. */
  | { readonly type: 'restart_activation' }
  | { readonly type: 'activate'; readonly accessNumber: string }
  /** The activation worker gave up (Connect refused every claim, or too long): back to approved. */
  | { readonly type: 'roll_back_activation'; readonly reason: string }
  | { readonly type: 'suspend'; readonly tenantId: string }
  | { readonly type: 'resume'; readonly tenantId: string }
  | { readonly type: 'expire_retention' }
  | { readonly type: 'stop_for_arrears' }
  | { readonly type: 'restore_after_payment' }
  | { readonly type: 'expire_arrears' }
  | {
      readonly type: 'request_transfer';
      readonly tenantId: string;
      readonly toTenantId: string;
      /** A new id for this offer (every offer gets its own, even to the same tenant again). */
      readonly offerId: string;
    }
  | { readonly type: 'accept_transfer'; readonly tenantId: string }
  | { readonly type: 'abandon_transfer'; readonly tenantId: string }
  | { readonly type: 'request_cancellation'; readonly tenantId: string }
  | { readonly type: 'withdraw_cancellation'; readonly tenantId: string }
  | { readonly type: 'complete_cancellation' }
  | { readonly type: 'start_quarantine' }
  | { readonly type: 'release_quarantine' };

export type LifecycleCommandType = LifecycleCommand['type'];

export type LifecycleEffect =
  /** Bill everything the tenant owes on this number up to `through` before it leaves them. */
  | { readonly kind: 'settle'; readonly tenantId: string; readonly through: string; readonly reason: string }
  /** Record a refund request for the tenant's remaining balance. */
  | { readonly kind: 'refund_balance'; readonly tenantId: string }
  | { readonly kind: 'release_access_number'; readonly accessNumber: string }
  /**
   * Clear the number's routing (configuration, its versions, what was applied, the call snapshot's routing)
   * so the next owner inherits nothing of `previousOwner`'s: answer numbers, blacklist, VIP list.
   */
  | { readonly kind: 'clear_routing'; readonly previousOwner?: string; readonly accessNumber?: string }
  | { readonly kind: 'notify'; readonly tenantId: string; readonly text: string };

export interface Transition {
  readonly from: NumberStatus;
  readonly state: LifecycleState;
  readonly effects: readonly LifecycleEffect[];
}

const DAY_MS = 86_400_000;
const addDays = (at: string, days: number) => new Date(Date.parse(at) + days * DAY_MS).toISOString();
const addMinutes = (at: string, minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();
const reached = (at: string, deadline: string | undefined) =>
  deadline !== undefined && Date.parse(at) >= Date.parse(deadline);

function refuse(state: LifecycleState, command: LifecycleCommand, why?: string): never {
  throw conflict(
    'invalid_transition',
    why ?? `a number that is ${state.status} cannot take "${command.type}"`,
    { status: state.status, command: command.type },
  );
}

/** A reserved number whose hold ran out is available to anyone (reads ignore expired holds). */
export function isHoldExpired(state: LifecycleState, at: string): boolean {
  return state.status === 'reserved' && reached(at, state.holdExpiresAt);
}

/** The status as everyone outside this module sees it at `at`. */
export function effectiveStatus(state: LifecycleState, at: string): NumberStatus {
  return isHoldExpired(state, at) ? 'available' : state.status;
}

export function currentOwner(state: LifecycleState, at: string): string | undefined {
  return effectiveStatus(state, at) === 'available' ? undefined : state.tenantId;
}

/** When service ends whatever status the number still shows: the notice instant of a requested cancellation. */
export function serviceEndsAt(state: LifecycleState): string | undefined {
  return state.status === 'cancellation_requested' ? state.cancellationEffectiveAt : undefined;
}

/** What the routing snapshot carries as numberStatus: whether calls are taken. */
export function routingStatus(state: LifecycleState, config: NumbersConfig): NumberStatus {
  if (state.status === 'transfer_pending' && config.serviceDuringTransfer) return 'active';
  if (state.status === 'cancellation_requested') return 'active';
  return state.status;
}

function requireOwner(state: LifecycleState, command: LifecycleCommand & { tenantId: string }, at: string) {
  if (currentOwner(state, at) !== command.tenantId) {
    // Not the owner: as far as this tenant knows, the number is simply not theirs to act on.
    throw new DomainError('not_found', 'number_not_found', 'no such number among yours');
  }
}

const EMPTY: LifecycleState = { status: 'available' };

/** The state with its pending offer gone (accepted or abandoned): recipient, offer id and instant. */
function withoutOffer(state: LifecycleState): LifecycleState {
  const { transferTo: _t, transferOfferId: _i, transferOfferedAt: _a, ...rest } = state;
  return rest;
}

const clearRouting = (
  previousOwner: string | undefined,
  accessNumber: string | undefined,
): LifecycleEffect => ({
  kind: 'clear_routing',
  ...(previousOwner ? { previousOwner } : {}),
  ...(accessNumber ? { accessNumber } : {}),
});

function endTenure(
  state: LifecycleState,
  at: string,
  reason: string,
): { state: LifecycleState; effects: LifecycleEffect[] } {
  const owner = state.tenantId as string;
  const effects: LifecycleEffect[] = [
    { kind: 'settle', tenantId: owner, through: at, reason },
    { kind: 'refund_balance', tenantId: owner },
    { kind: 'notify', tenantId: owner, text: `number cancelled (${reason})` },
  ];
  if (state.accessNumber) effects.push({ kind: 'release_access_number', accessNumber: state.accessNumber });
  effects.push(clearRouting(owner, state.accessNumber));
  return { state: { status: 'cancelled', previousTenantId: owner }, effects };
}

export function decide(
  state: LifecycleState,
  command: LifecycleCommand,
  at: string,
  config: NumbersConfig,
): Transition {
  const from = state.status;
  const done = (next: LifecycleState, effects: LifecycleEffect[] = []): Transition => ({
    from,
    state: next,
    effects,
  });
  const status = effectiveStatus(state, at);

  switch (command.type) {
    case 'reserve':
      if (status !== 'available') {
        if (state.status === 'reserved' && state.tenantId === command.tenantId) {
          refuse(state, command, 'you already hold this number');
        }
        throw conflict('number_unavailable', 'this number is not available', { status: 'unavailable' });
      }
      return done({
        status: 'reserved',
        tenantId: command.tenantId,
        holdExpiresAt: addMinutes(at, config.holdMinutes),
      });
    case 'release_hold':
      requireOwner(state, command, at);
      if (status !== 'reserved') refuse(state, command);
      return done(EMPTY);
    case 'expire_hold':
      if (!isHoldExpired(state, at)) refuse(state, command, 'the hold has not run out');
      return done(EMPTY);
    case 'apply':
      requireOwner(state, command, at);
      if (status !== 'reserved') refuse(state, command);
      return done({ status: 'applied', tenantId: command.tenantId, applicationId: command.applicationId });
    case 'withdraw_application':
      requireOwner(state, command, at);
      if (status !== 'applied' && status !== 'rejected') refuse(state, command);
      return done(EMPTY);
    case 'withdraw_approval':
      requireOwner(state, command, at);
      if (state.applicationId !== command.applicationId)
        refuse(state, command, 'the number is no longer held under this application');
      if (status === 'activating')
        refuse(
          state,
          command,
          'the number is being activated; it can be withdrawn only if its activation fails',
        );
      if (status !== 'approved')
        refuse(state, command, `a number that is ${status} went into service: cancel it instead`);
      return done(EMPTY);
    case 'reject':
      if (status !== 'applied') refuse(state, command);
      return done({ ...state, status: 'rejected' }, [
        { kind: 'notify', tenantId: state.tenantId as string, text: 'application rejected' },
      ]);
    case 'resubmit':
      requireOwner(state, command, at);
      if (status !== 'rejected') refuse(state, command);
      return done({ ...state, status: 'applied' });
    case 'approve':
      // Approved, the number is activated asynchronously (an access number claimed in Connect).
      if (status !== 'applied') refuse(state, command);
      return done({ ...state, status: 'activating' }, [
        { kind: 'notify', tenantId: state.tenantId as string, text: 'application approved' },
      ]);
    case 'restart_activation':
      if (status !== 'approved') refuse(state, command);
      return done({ ...state, status: 'activating' });
    case 'activate':
      if (status !== 'activating') refuse(state, command);
      return done({ ...state, status: 'active', accessNumber: command.accessNumber });
    case 'roll_back_activation':
      if (status !== 'activating') refuse(state, command);
      return done({ ...state, status: 'approved' }, [
        {
          kind: 'notify',
          tenantId: state.tenantId as string,
          text: `activation failed (${command.reason}); it will be retried`,
        },
      ]);
    case 'suspend': {
      requireOwner(state, command, at);
      if (status !== 'active') refuse(state, command);
      const used = state.retentionUsedDays ?? 0;
      const capDays = config.retentionCapMonths * 30;
      if (used >= capDays) refuse(state, command, 'the retention allowance is used up');
      return done({
        ...state,
        status: 'suspended',
        suspendedAt: at,
        retentionEndsAt: addDays(at, capDays - used),
      });
    }
    case 'resume': {
      requireOwner(state, command, at);
      if (status !== 'suspended') refuse(state, command);
      const spent = Math.ceil((Date.parse(at) - Date.parse(state.suspendedAt as string)) / DAY_MS);
      const { suspendedAt: _s, retentionEndsAt: _r, ...rest } = state;
      return done({ ...rest, status: 'active', retentionUsedDays: (state.retentionUsedDays ?? 0) + spent });
    }
    case 'expire_retention':
      if (status !== 'suspended' || !reached(at, state.retentionEndsAt))
        refuse(state, command, 'retention has not run out');
      {
        const ended = endTenure(state, at, 'retention cap reached');
        return done(ended.state, ended.effects);
      }
    case 'stop_for_arrears':
      // No notice per number: the arrears job tells the tenant once for all its stopped numbers.
      if (status !== 'active') refuse(state, command);
      return done({
        ...state,
        status: 'arrears_stopped',
        arrearsRestoreBy: addDays(at, config.arrearsRestoreDays),
      });
    case 'restore_after_payment': {
      // The restore window closes when expire_arrears cancels the number, not at the instant it ends: a
      // tenant who paid is never cancelled because the job ran after the deadline.
      if (status !== 'arrears_stopped') refuse(state, command);
      const { arrearsRestoreBy: _a, ...rest } = state;
      return done({ ...rest, status: 'active' });
    }
    case 'expire_arrears': {
      if (status !== 'arrears_stopped' || !reached(at, state.arrearsRestoreBy)) {
        refuse(state, command, 'the restore window has not run out');
      }
      const ended = endTenure(state, at, 'arrears not paid in time');
      return done(ended.state, ended.effects);
    }
    case 'request_transfer':
      requireOwner(state, command, at);
      if (status !== 'active') refuse(state, command);
      if (command.toTenantId === command.tenantId)
        refuse(state, command, 'a number cannot be transferred to its owner');
      return done({
        ...state,
        status: 'transfer_pending',
        transferTo: command.toTenantId,
        transferOfferId: command.offerId,
        transferOfferedAt: at,
      });
    case 'accept_transfer': {
      if (status !== 'transfer_pending' || state.transferTo !== command.tenantId) {
        throw new DomainError(
          'not_found',
          'transfer_not_found',
          'no transfer of this number is offered to you',
        );
      }
      const old = state.tenantId as string;
      const rest = withoutOffer(state);
      return done({ ...rest, status: 'active', tenantId: command.tenantId, retentionUsedDays: 0 }, [
        { kind: 'settle', tenantId: old, through: at, reason: 'transfer' },
        { kind: 'notify', tenantId: old, text: 'number transferred' },
        { kind: 'notify', tenantId: command.tenantId, text: 'number transferred to you' },
        clearRouting(old, state.accessNumber),
      ]);
    }
    case 'abandon_transfer': {
      if (
        status !== 'transfer_pending' ||
        (state.tenantId !== command.tenantId && state.transferTo !== command.tenantId)
      ) {
        throw new DomainError('not_found', 'transfer_not_found', 'no transfer of this number involves you');
      }
      return done({ ...withoutOffer(state), status: 'active' });
    }
    case 'request_cancellation':
      requireOwner(state, command, at);
      if (status !== 'active' && status !== 'suspended' && status !== 'arrears_stopped')
        refuse(state, command);
      return done(
        {
          ...state,
          status: 'cancellation_requested',
          statusBeforeCancellation: status,
          cancellationEffectiveAt: addDays(at, config.cancellationNoticeDays),
        },
        [{ kind: 'notify', tenantId: command.tenantId, text: 'cancellation requested' }],
      );
    case 'withdraw_cancellation': {
      requireOwner(state, command, at);
      if (status !== 'cancellation_requested') refuse(state, command);
      // Service ended at the notice instant, whenever the job that records it runs.
      if (reached(at, state.cancellationEffectiveAt)) refuse(state, command, 'the notice period has ended');
      const { statusBeforeCancellation, cancellationEffectiveAt: _c, ...rest } = state;
      return done({ ...rest, status: statusBeforeCancellation ?? 'active' });
    }
    case 'complete_cancellation': {
      if (status !== 'cancellation_requested' || !reached(at, state.cancellationEffectiveAt)) {
        refuse(state, command, 'the notice period has not ended');
      }
      // Service ends at the notice instant, not when the job runs: settle through it.
      const ended = endTenure(state, state.cancellationEffectiveAt ?? at, 'cancelled at the owner’s request');
      return done(ended.state, ended.effects);
    }
    case 'start_quarantine':
      if (status !== 'cancelled') refuse(state, command);
      return done({
        status: 'quarantined',
        ...(state.previousTenantId ? { previousTenantId: state.previousTenantId } : {}),
        quarantinedAt: at,
        quarantineUntil: addDays(at, config.quarantineDays),
      });
    case 'release_quarantine':
      if (status !== 'quarantined' || !reached(at, state.quarantineUntil))
        refuse(state, command, 'quarantine has not ended');
      // Cleared when the tenure ended already; again here, should that effect have been lost or the
      // configuration been written meanwhile (idempotent).
      return done(EMPTY, [clearRouting(state.previousTenantId, undefined)]);
  }
}
