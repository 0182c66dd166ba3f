/**
 * Amazon Connect behind a port. The Connect adapter (shared/adapters/connect/) implements it with the SDK
 * and is deployed; the local adapter (shared/adapters/local/) records what was asked so the local runtime
 * and tests work end to end. Methods are idempotent: calling one twice with the same input is harmless.
 * The routing capability extends this port with hours of operation, queues, routing profiles and flows.
 */
export interface ClaimAccessNumberRequest {
  /** The 400 number the access number will carry, e.g. "4008123456". */
  readonly number400: string;
  /** ISO country code of the access number to claim (Connect sells no +86 numbers). */
  readonly countryCode: string;
  readonly type: 'DID' | 'TOLL_FREE';
  /** Optional E.164 prefix to search under, e.g. "+6531". */
  readonly prefix?: string;
  /** Same token, same claim: retries never claim twice. */
  readonly idempotencyToken: string;
}

export interface ClaimedAccessNumber {
  readonly accessNumber: string;
  readonly phoneNumberId: string;
}

export interface TelephonyPort {
  /** Claims an access number and waits until Connect reports it CLAIMED (retrying a FAILED claim). */
  claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber>;
  /** Points the access number at the generic contact flow. */
  associateFlow(phoneNumberId: string, contactFlowId: string): Promise<void>;
  /** Gives the access number back to Connect (after cancellation). */
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

export type ConnectWeekday =
  | 'MONDAY'
  | 'TUESDAY'
  | 'WEDNESDAY'
  | 'THURSDAY'
  | 'FRIDAY'
  | 'SATURDAY'
  | 'SUNDAY';

export interface HoursOfOperationSpec {
  readonly name: string;
  readonly description: string;
  readonly timeZone: string;
  /** Open slices; minutes since midnight, end may be 1440 (stored as 23:59 in Connect). */
  readonly slices: readonly {
    readonly day: ConnectWeekday;
    readonly startMinute: number;
    readonly endMinute: number;
  }[];
  /** Closed date ranges (holidays), YYYY-MM-DD inclusive, each with a stable name. */
  readonly closures: readonly { readonly name: string; readonly from: string; readonly till: string }[];
}

export interface QueueSpec {
  readonly name: string;
  readonly description: string;
  readonly hoursOfOperationId: string;
}

export interface RoutingProfileSpec {
  readonly name: string;
  readonly description: string;
  /** Lower priority is served first; VIP queues get 1, normal queues 2. */
  readonly queues: readonly {
    readonly queueId: string;
    readonly priority: number;
    readonly delaySeconds: number;
  }[];
  readonly defaultOutboundQueueId: string;
}

export interface TelephonyPort {
  upsertHoursOfOperation(
    spec: HoursOfOperationSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef>;
  upsertQueue(spec: QueueSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef>;
  upsertRoutingProfile(spec: RoutingProfileSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef>;
  /** The generic contact flow's id (the stack sets CONTACT_FLOW_ID); undefined when not deployed. */
  contactFlowId(): string | undefined;
}
