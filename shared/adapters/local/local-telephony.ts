/**
 * Connect has no local emulator: this TelephonyPort records what was asked (claims, flow bindings, hours,
 * queues, routing profiles, prompts) so the local runtime and tests run end to end. GET /local/connect shows it.
 * Like Connect, names are unique per kind and an upsert of a known resource updates it in place; a claim
 * reports its number through `onPending` before it completes, and resumes a `pending` claim. Tests inject
 * Connect's failures: `failNext` (throttling, outages, a crash mid-apply), `claimsPendingFor` (a slow claim),
 * `failClaims` (Connect refusing every claim).
 */
import { randomUUID } from 'node:crypto';
import {
  type ClaimAccessNumberRequest,
  type ClaimedAccessNumber,
  ClaimFailedError,
  ClaimPendingError,
  type ConnectResourceRef,
  type HoursOfOperationSpec,
  type PromptSpec,
  type QueueSpec,
  type RoutingProfileSpec,
  type TelephonyPort,
} from '../../ports/telephony.js';

/** The port's methods that reach Connect. */
export type LocalConnectOperation = Exclude<keyof TelephonyPort, 'contactFlowId'>;

const INSTANCE = 'arn:aws:connect:local:000000000000:instance/00000000-0000-4000-8000-000000000000';
export const LOCAL_CONTACT_FLOW_ID = 'local-generic-flow';

export interface LocalConnectState {
  readonly claims: {
    number400: string;
    accessNumber: string;
    phoneNumberId: string;
    idempotencyToken: string;
    released: boolean;
  }[];
  readonly flowBindings: Record<string, string>;
  readonly hours: Record<string, HoursOfOperationSpec & ConnectResourceRef>;
  readonly queues: Record<string, QueueSpec & ConnectResourceRef>;
  readonly routingProfiles: Record<string, RoutingProfileSpec & ConnectResourceRef>;
  /** Prompts by name, with the S3 URI each was made from. */
  readonly prompts: Record<string, PromptSpec & ConnectResourceRef>;
  /** Every write, in order (what the Connect API would have been asked). */
  readonly writes: { op: string; name: string }[];
}

export class LocalTelephony implements TelephonyPort {
  readonly state: LocalConnectState = {
    claims: [],
    flowBindings: {},
    hours: {},
    queues: {},
    routingProfiles: {},
    prompts: {},
    writes: [],
  };
  private nextAccess = 31580100;
  private readonly faults: { operation: LocalConnectOperation; errorName: string; times: number }[] = [];
  /** Calls of claimAccessNumber that still find the claim in progress (ClaimPendingError). */
  claimsPendingFor = 0;
  /** Connect refuses every claim (ClaimFailedError), as when no number can be had. */
  failClaims = false;

  /** The next `times` calls of `operation` throw an error named `errorName` (say, ThrottlingException). */
  failNext(operation: LocalConnectOperation, errorName: string, times = 1): void {
    this.faults.push({ operation, errorName, times });
  }

  private fault(operation: LocalConnectOperation): void {
    const fault = this.faults.find((f) => f.operation === operation && f.times > 0);
    if (!fault) return;
    fault.times -= 1;
    throw Object.assign(new Error(`${fault.errorName} (injected into the local Connect)`), {
      name: fault.errorName,
    });
  }

  contactFlowId(): string {
    return LOCAL_CONTACT_FLOW_ID;
  }

  async claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber> {
    this.fault('claimAccessNumber');
    if (this.failClaims) throw new ClaimFailedError(`no number could be claimed for ${request.number400}`);
    const resumed = request.pending?.phoneNumberId;
    let claim = this.state.claims.find(
      (c) =>
        !c.released &&
        (resumed ? c.phoneNumberId === resumed : c.idempotencyToken === request.idempotencyToken),
    );
    if (!claim) {
      claim = {
        number400: request.number400,
        accessNumber: `${request.prefix ?? '+65'}${this.nextAccess++}`.slice(0, 16),
        phoneNumberId: randomUUID(),
        idempotencyToken: request.idempotencyToken,
        released: false,
      };
      this.state.claims.push(claim);
      this.state.writes.push({ op: 'ClaimPhoneNumber', name: claim.accessNumber });
      await request.onPending?.({
        attempt: request.pending?.attempt ?? 0,
        phoneNumber: claim.accessNumber,
        phoneNumberId: claim.phoneNumberId,
      });
    }
    if (this.claimsPendingFor > 0) {
      this.claimsPendingFor -= 1;
      throw new ClaimPendingError({
        attempt: request.pending?.attempt ?? 0,
        phoneNumber: claim.accessNumber,
        phoneNumberId: claim.phoneNumberId,
      });
    }
    return { accessNumber: claim.accessNumber, phoneNumberId: claim.phoneNumberId };
  }

  async associateFlow(phoneNumberId: string, contactFlowId: string): Promise<void> {
    this.fault('associateFlow');
    this.state.flowBindings[phoneNumberId] = contactFlowId;
    this.state.writes.push({ op: 'AssociatePhoneNumberContactFlow', name: phoneNumberId });
  }

  async releaseAccessNumber(phoneNumberId: string): Promise<void> {
    this.fault('releaseAccessNumber');
    for (const c of this.state.claims) if (c.phoneNumberId === phoneNumberId) c.released = true;
    delete this.state.flowBindings[phoneNumberId];
    this.state.writes.push({ op: 'ReleasePhoneNumber', name: phoneNumberId });
  }

  private upsert<T extends { name: string }>(
    kind: string,
    label: string,
    store: Record<string, T & ConnectResourceRef>,
    spec: T,
    existing?: ConnectResourceRef,
  ) {
    const known = existing ? Object.values(store).find((r) => r.id === existing.id) : store[spec.name];
    const id = known?.id ?? randomUUID();
    const ref = { id, arn: `${INSTANCE}/${kind}/${id}` };
    if (known && known.name !== spec.name) delete store[known.name];
    store[spec.name] = { ...spec, ...ref };
    this.state.writes.push({ op: `${known ? 'Update' : 'Create'}${label}`, name: spec.name });
    return ref;
  }

  async upsertHoursOfOperation(
    spec: HoursOfOperationSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef> {
    this.fault('upsertHoursOfOperation');
    return this.upsert('operating-hours', 'HoursOfOperation', this.state.hours, spec, existing);
  }

  async upsertQueue(spec: QueueSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef> {
    this.fault('upsertQueue');
    return this.upsert('queue', 'Queue', this.state.queues, spec, existing);
  }

  async upsertRoutingProfile(
    spec: RoutingProfileSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef> {
    this.fault('upsertRoutingProfile');
    return this.upsert('routing-profile', 'RoutingProfile', this.state.routingProfiles, spec, existing);
  }

  async upsertPrompt(spec: PromptSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef> {
    this.fault('upsertPrompt');
    return this.upsert('prompt', 'Prompt', this.state.prompts, spec, existing);
  }

  async deletePrompt(name: string): Promise<boolean> {
    this.fault('deletePrompt');
    if (!this.state.prompts[name]) return false;
    delete this.state.prompts[name];
    this.state.writes.push({ op: 'DeletePrompt', name });
    return true;
  }
}
