/**
 * Arrears for a tenant's numbers: an account that stays in arrears past the grace period has its active
 * numbers stopped (and the tenant told once per arrears episode); an account back in credit has its stopped
 * numbers restored. Cancelling numbers whose restore window ran out is the lifecycle's `expire_arrears`.
 * Pure: the job reads the account and its own watch item and carries the answer out.
 */
import type { NumbersConfig } from './config.js';

export interface ArrearsAccount {
  /** 'arrears' while the balance is exhausted (the money capability sets it). */
  readonly status?: string;
  /** When the account went into arrears (set by the money capability; may be missing on older items). */
  readonly arrearsSince?: string;
}

/** What the job remembers per tenant (numbers `TENANT#<t>` / `ARREARS`). */
export interface ArrearsWatch {
  /** The start of the arrears episode the job counts the grace from. */
  readonly since: string;
  /** The episode whose stop the tenant was told about. */
  readonly stoppedFor?: string;
}

export type ArrearsStep =
  /** In credit: restore any stopped numbers and forget the episode. */
  | { readonly action: 'restore' }
  /** In arrears, still within grace; remember `since` when the watch does not hold it yet. */
  | {
      readonly action: 'wait';
      readonly since: string;
      readonly graceEndsAt: string;
      readonly remember: boolean;
    }
  /** Grace over: stop the active numbers; notify unless this episode was already notified. */
  | { readonly action: 'stop'; readonly since: string; readonly notify: boolean };

const DAY_MS = 86_400_000;

export function arrearsStep(
  account: ArrearsAccount | undefined,
  watch: ArrearsWatch | undefined,
  at: string,
  config: NumbersConfig,
): ArrearsStep {
  if (account?.status !== 'arrears') return { action: 'restore' };
  // The money side's arrearsSince is authoritative; without it the grace starts when the job first saw it.
  const since =
    account.arrearsSince && !Number.isNaN(Date.parse(account.arrearsSince))
      ? new Date(account.arrearsSince).toISOString()
      : (watch?.since ?? at);
  const graceEnds = Date.parse(since) + config.arrearsGraceDays * DAY_MS;
  if (Date.parse(at) < graceEnds) {
    return {
      action: 'wait',
      since,
      graceEndsAt: new Date(graceEnds).toISOString(),
      remember: watch?.since !== since,
    };
  }
  return { action: 'stop', since, notify: watch?.stoppedFor !== since };
}
