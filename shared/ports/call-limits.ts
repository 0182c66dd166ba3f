/**
 * Stops a connected call when its paid time runs out (the routing decision's maxDurationSeconds; see
 * shared/domain/routing/call-limit.ts). In AWS an SQS delay chain ends in Connect StopContact; locally
 * the armed stops are recorded (GET /local/connect).
 */
export interface ArmCallLimitRequest {
  readonly contactId: string;
  /** The Connect instance id (the last part of the instance ARN). */
  readonly instanceId: string;
  /** ISO-8601 UTC instant at which the contact is stopped. */
  readonly stopAt: string;
}

export interface ArmedCallLimit {
  readonly contactId: string;
  /** The stop in force for the contact after this call (the earliest one armed). */
  readonly stopAt: string;
  /** True when the stop instant had already passed: the contact is stopped at once. */
  readonly immediate: boolean;
}

export interface CallLimitsPort {
  /**
   * Arms the stop of a contact. Idempotent per contact: arming again (a later hunt step) keeps the
   * earliest stop; arming a stop whose instant has passed stops the contact now.
   */
  arm(request: ArmCallLimitRequest, now: Date): Promise<ArmedCallLimit>;
}

/** What became of a pending stop received at the end of a delay. */
export type StopOutcome = 'stopped' | 'already_ended' | 'waiting';

/** The receiving end of the call limits (the stop-contact Lambda, AWS only). */
export interface PendingStopsPort {
  /** Not yet due → sent on with a new delay; due → the contact is stopped (already ended is done too). */
  relay(stop: ArmCallLimitRequest, now: Date): Promise<StopOutcome>;
}
