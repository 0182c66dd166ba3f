/**
 * Amazon Connect behind a port. The Connect adapter (shared/adapters/connect/) implements it with the SDK
 * and is deployed; the local adapter (shared/adapters/local/) records what was asked so the local runtime
 * and tests work end to end. Methods are idempotent: calling one twice with the same input is harmless.
 * The routing capability extends this port with hours of operation, queues, routing profiles, prompts and flows.
 */
import type {
  ConnectWeekday,
  HoursOfOperationSpec,
  QueueSpec,
  RoutingProfileSpec,
} from '../domain/routing/connect-resources.js';

import type { PromptSpec } from '../domain/routing/prompts.js';

export type { ConnectWeekday, HoursOfOperationSpec, PromptSpec, QueueSpec, RoutingProfileSpec };

export type AccessNumberType = 'DID' | 'TOLL_FREE';

export interface ClaimAccessNumberRequest {
  /** The 400 number the access number will carry, e.g. "4008123456". */
  readonly number400: string;
  /**
   * The application the number is claimed for (its id). With the attempt number it derives Connect's
   * ClientToken (a UUIDv5), so the same application and attempt always send the same token.
   */
  readonly idempotencyToken: string;
  /**
   * @deprecated The deployment's configuration decides (context connectCountry / connectNumberType /
   * connectNumberPrefix, passed to the functions as CONNECT_COUNTRY, CONNECT_NUMBER_TYPE,
   * CONNECT_NUMBER_PREFIX). The Connect adapter ignores these three; they remain so callers compile.
   */
  readonly countryCode?: string;
  /** @deprecated see countryCode */
  readonly type?: AccessNumberType;
  /** @deprecated see countryCode */
  readonly prefix?: string;
  /**
   * The claim started earlier for this application, as `onPending` reported it and the caller stored it.
   * Given, the claim resumes: the same attempt reuses its number and token and never searches again.
   */
  readonly pending?: PendingClaim;
  /**
   * Called when the claim's state changes (a number chosen; then Connect's PhoneNumberId), before any
   * polling, so the caller can store it and a retry can resume instead of claiming another number.
   */
  readonly onPending?: (claim: PendingClaim) => Promise<void>;
}

/** A claim in progress: which attempt, which number it claims, and Connect's id once ClaimPhoneNumber answered. */
export interface PendingClaim {
  readonly attempt: number;
  readonly phoneNumber: string;
  readonly phoneNumberId?: string;
}

export interface ClaimedAccessNumber {
  readonly accessNumber: string;
  readonly phoneNumberId: string;
}

/**
 * The claim has not completed within the adapter's polling budget. The number may still become ours, so
 * the caller must retry with `pending` (the claim is resumed and polled again) or release `pending.phoneNumberId`;
 * it never moves on to another number by itself.
 */
export class ClaimPendingError extends Error {
  constructor(readonly pending: PendingClaim) {
    super(`the claim of ${pending.phoneNumber} is still in progress`);
    this.name = 'ClaimPendingError';
  }
}

/**
 * Connect reported every attempt's claim FAILED, or had no number to offer: retrying the same request will
 * not help. The caller rolls the activation back (releasing whatever it stored) instead of retrying.
 */
export class ClaimFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimFailedError';
  }
}

/** Errors by which Connect says "too many requests": back off and try later, never fail for them. */
export const TELEPHONY_THROTTLING: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
]);

export const isTelephonyThrottling = (error: unknown): boolean =>
  TELEPHONY_THROTTLING.has((error as { name?: string } | undefined)?.name ?? '');

export interface TelephonyPort {
  /**
   * Claims an access number and waits (a bounded number of polls) until Connect reports it CLAIMED; a FAILED
   * claim is retried with the next attempt (another number). Throws ClaimPendingError when still in progress.
   */
  claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber>;
  /** Points the access number at the generic contact flow. */
  associateFlow(phoneNumberId: string, contactFlowId: string): Promise<void>;
  /**
   * Gives the access number back to Connect: after cancellation, and when an activation fails after the
   * claim (so a claimed number is never leaked). Safe to repeat; an unknown number is already released.
   */
  releaseAccessNumber(phoneNumberId: string): Promise<void>;
}

/*
 * Routing's additions (apply a routing configuration to Connect). Each upsert creates the resource when
 * `existing` is absent (adopting one of the same name if an earlier, interrupted apply created it) and
 * otherwise updates it in place; each is safe to repeat.
 */
export interface ConnectResourceRef {
  readonly id: string;
  readonly arn: string;
}

export interface TelephonyPort {
  upsertHoursOfOperation(
    spec: HoursOfOperationSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef>;
  upsertQueue(spec: QueueSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef>;
  upsertRoutingProfile(spec: RoutingProfileSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef>;
  /**
   * A Connect prompt from the tenant's audio (`spec.s3Uri`); `spec.revision` is ours, never sent. Prompts
   * are named after our prompt id, so a tenant's numbers share one (an existing one of the name is adopted).
   */
  upsertPrompt(spec: PromptSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef>;
  /** Deletes the Connect prompt of this name; false when there is none (never made, or deleted already). */
  deletePrompt(name: string): Promise<boolean>;
  /** The generic contact flow's id (the stack sets CONTACT_FLOW_ID); undefined when not deployed. */
  contactFlowId(): string | undefined;
}
