/**
 * Primary course: the contact flow is about to transfer or queue a call whose decision carries a
 * maxDurationSeconds → compute the stop instant (now + limit + grace) → arm it through the call-limits
 * port → answer "armed" with the stop in force.
 * Variations: no limit → nothing armed; no contact or instance in the event → not armed; the stop instant
 * already passed → the contact is stopped now; the port fails → not armed, and the call goes on (an
 * unarmed call beats a dropped one).
 */
import {
  type ArmCallLimitAnswer,
  armCallLimitAnswer,
  callStopInstant,
} from '../../domain/routing/call-limit.js';
import type { ArmedCallLimit, CallLimitsPort } from '../../ports/call-limits.js';

export interface ArmCallLimitRequest {
  readonly contactId: string;
  readonly instanceId: string;
  /** The decision's maxDurationSeconds, as the flow passes it. */
  readonly maxDurationSeconds: unknown;
  readonly now: Date;
}

export interface ArmCallLimitResult {
  readonly answer: ArmCallLimitAnswer;
  readonly armed?: ArmedCallLimit;
  readonly error?: unknown;
}

export async function armCallLimit(
  deps: { readonly callLimits: () => Promise<CallLimitsPort> },
  request: ArmCallLimitRequest,
): Promise<ArmCallLimitResult> {
  try {
    const stopAt = callStopInstant(request.maxDurationSeconds, request.now);
    if (!stopAt) return { answer: armCallLimitAnswer(false, 'no_limit') };
    if (!request.contactId || !request.instanceId)
      return { answer: armCallLimitAnswer(false, 'missing_contact') };
    const armed = await (await deps.callLimits()).arm(
      { contactId: request.contactId, instanceId: request.instanceId, stopAt: stopAt.toISOString() },
      request.now,
    );
    return {
      answer: armCallLimitAnswer(true, armed.immediate ? 'stopped_now' : 'armed', armed.stopAt),
      armed,
    };
  } catch (error) {
    return { answer: armCallLimitAnswer(false, 'failed'), error };
  }
}
