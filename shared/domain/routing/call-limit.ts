/**
 * Enforcing the routing decision's `maxDurationSeconds`. Connect puts no time limit on a transfer to a
 * phone number or on a queued contact, so just before the flow connects a call it arms a stop: the contact
 * is stopped at arming time + the limit + a small grace. Pure rules only; the arming adapters live in
 * shared/adapters (sqs/ in AWS, local/ in the local runtime).
 */

/**
 * Seconds added to the limit before the stop. The limit is counted from arming, which happens before the
 * answer number rings or an agent picks up, so ringing/queueing already eats into it; the grace only
 * keeps a call that is exactly on its last paid second from being cut by a stop that fires a little early.
 */
export const CALL_LIMIT_GRACE_SECONDS = 5;

/** Metric (namespace hotline400, dimension service) counting limited calls whose stop could not be armed. */
export const CALL_LIMIT_ARM_FAILURES_METRIC = 'CallLimitArmFailures';

/** SQS's longest per-message delay: a stop further away is reached in hops of at most this. */
export const MAX_STOP_DELAY_SECONDS = 900;

/** A stop due within this many milliseconds is carried out now rather than delayed again. */
export const STOP_TOLERANCE_MS = 500;

/**
 * The limit the decision emitted, in whole seconds, or undefined when there is none to enforce: empty
 * (refusals, menu and hunt steps carry none), zero, negative, not a number, or "unlimited".
 */
export function parseLimitSeconds(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds > 0 ? seconds : undefined;
}

/** When the contact must be stopped: now + limit + grace (whole seconds), or undefined when not limited. */
export function callStopInstant(
  maxDurationSeconds: unknown,
  now: Date,
  graceSeconds = CALL_LIMIT_GRACE_SECONDS,
): Date | undefined {
  const seconds = parseLimitSeconds(maxDurationSeconds);
  if (seconds === undefined) return undefined;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return new Date((nowSeconds + seconds + graceSeconds) * 1000);
}

export type StopHop = { readonly kind: 'stop' } | { readonly kind: 'wait'; readonly delaySeconds: number };

/** What a pending stop does at `now`: stop the contact, or wait (at most MAX_STOP_DELAY_SECONDS) again. */
export function nextStopHop(stopAt: Date, now: Date): StopHop {
  const remainingMs = stopAt.getTime() - now.getTime();
  if (!(remainingMs > STOP_TOLERANCE_MS)) return { kind: 'stop' };
  return { kind: 'wait', delaySeconds: Math.min(MAX_STOP_DELAY_SECONDS, Math.ceil(remainingMs / 1000)) };
}

/** What arm-call-limit answers the flow (InvokeLambdaFunction wants a flat string map). */
export type ArmCallLimitAnswer = {
  readonly armed: 'true' | 'false';
  /** no_limit, stopped_now, armed, missing_contact, failed */
  readonly reason: string;
  readonly stopAt: string;
};

export const armCallLimitAnswer = (armed: boolean, reason: string, stopAt = ''): ArmCallLimitAnswer => ({
  armed: armed ? 'true' : 'false',
  reason,
  stopAt,
});

/** A stop waiting to happen: the message of the call-limits delay chain. */
export interface PendingStop {
  readonly contactId: string;
  readonly instanceId: string;
  readonly stopAt: string;
}

/** Connect contact and instance ids are UUIDs; anything else is not ours to stop. */
const CONNECT_ID = /^[0-9a-fA-F-]{1,256}$/;

export function parsePendingStop(body: string): PendingStop {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error('pending stop: not JSON');
  }
  const { contactId, instanceId, stopAt } = (value ?? {}) as Record<string, unknown>;
  if (typeof contactId !== 'string' || !CONNECT_ID.test(contactId))
    throw new Error('pending stop: contactId');
  if (typeof instanceId !== 'string' || !CONNECT_ID.test(instanceId))
    throw new Error('pending stop: instanceId');
  if (typeof stopAt !== 'string' || Number.isNaN(Date.parse(stopAt))) throw new Error('pending stop: stopAt');
  return { contactId, instanceId, stopAt };
}
