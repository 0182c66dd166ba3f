/**
 * Connect has no local emulator: this TelephonyPort records what was asked (claims, flow bindings, hours,
 * queues, routing profiles) so the local runtime and tests run end to end. GET /local/connect shows it.
 * Like Connect, names are unique per kind and an upsert of a known resource updates it in place.
 */
import { randomUUID } from 'node:crypto';
import type {
  ClaimAccessNumberRequest,
  ClaimedAccessNumber,
  ConnectResourceRef,
  HoursOfOperationSpec,
  QueueSpec,
  RoutingProfileSpec,
  TelephonyPort,
} from '../../ports/telephony.js';

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
    writes: [],
  };
  private nextAccess = 31580100;

  contactFlowId(): string {
    return LOCAL_CONTACT_FLOW_ID;
  }

  async claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber> {
    const again = this.state.claims.find(
      (c) => c.idempotencyToken === request.idempotencyToken && !c.released,
    );
    if (again) return { accessNumber: again.accessNumber, phoneNumberId: again.phoneNumberId };
    const claim = {
      number400: request.number400,
      accessNumber: `${request.prefix ?? '+65'}${this.nextAccess++}`.slice(0, 16),
      phoneNumberId: randomUUID(),
      idempotencyToken: request.idempotencyToken,
      released: false,
    };
    this.state.claims.push(claim);
    this.state.writes.push({ op: 'ClaimPhoneNumber', name: claim.accessNumber });
    return { accessNumber: claim.accessNumber, phoneNumberId: claim.phoneNumberId };
  }

  async associateFlow(phoneNumberId: string, contactFlowId: string): Promise<void> {
    this.state.flowBindings[phoneNumberId] = contactFlowId;
    this.state.writes.push({ op: 'AssociatePhoneNumberContactFlow', name: phoneNumberId });
  }

  async releaseAccessNumber(phoneNumberId: string): Promise<void> {
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
    return this.upsert('operating-hours', 'HoursOfOperation', this.state.hours, spec, existing);
  }

  async upsertQueue(spec: QueueSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef> {
    return this.upsert('queue', 'Queue', this.state.queues, spec, existing);
  }

  async upsertRoutingProfile(
    spec: RoutingProfileSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef> {
    return this.upsert('routing-profile', 'RoutingProfile', this.state.routingProfiles, spec, existing);
  }
}
