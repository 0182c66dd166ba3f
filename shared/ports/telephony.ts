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
