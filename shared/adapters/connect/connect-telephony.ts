/**
 * The TelephonyPort on Amazon Connect. Connect allows about 2 requests/s (burst 5) per account, so every
 * call goes through `withBackoff` (ThrottlingException / TooManyRequestsException retried with jittered
 * exponential backoff). Creates are made idempotent by name: a DuplicateResourceException (an earlier,
 * interrupted apply already created it) adopts the existing resource and updates it instead.
 * ClaimPhoneNumber is asynchronous: the claim is polled with DescribePhoneNumber until CLAIMED, and a
 * FAILED claim is retried with another searched number.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateRoutingProfileQueuesCommand,
  ClaimPhoneNumberCommand,
  type ConnectClient,
  CreateHoursOfOperationCommand,
  CreateHoursOfOperationOverrideCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  DeleteHoursOfOperationOverrideCommand,
  DescribePhoneNumberCommand,
  DisassociateRoutingProfileQueuesCommand,
  type HoursOfOperationConfig,
  ListHoursOfOperationOverridesCommand,
  ListHoursOfOperationsCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  ListRoutingProfilesCommand,
  type PhoneNumberCountryCode,
  ReleasePhoneNumberCommand,
  SearchAvailablePhoneNumbersCommand,
  UpdateHoursOfOperationCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
  UpdateRoutingProfileQueuesCommand,
} from '@aws-sdk/client-connect';
import type {
  ClaimAccessNumberRequest,
  ClaimedAccessNumber,
  ConnectResourceRef,
  HoursOfOperationSpec,
  QueueSpec,
  RoutingProfileSpec,
  TelephonyPort,
} from '../../ports/telephony.js';

const RETRYABLE = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServiceException',
  'ServiceUnavailableException',
]);

export interface BackoffOptions {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call`, retrying Connect throttling with full-jitter exponential backoff. */
export async function withBackoff<T>(call: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 8_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!RETRYABLE.has(name) || attempt >= maxAttempts) throw error;
      await sleep(Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1))) + base / 2);
    }
  }
}

const isDuplicate = (error: unknown) => (error as { name?: string }).name === 'DuplicateResourceException';

function clock(minute: number) {
  // Connect has no 24:00: a slice to midnight ends at 23:59.
  const m = Math.min(minute, 1439);
  return { Hours: Math.floor(m / 60), Minutes: m % 60 };
}

export interface ConnectTelephonyOptions extends BackoffOptions {
  readonly instanceId: string;
  readonly contactFlowId?: string;
  /** Polls of DescribePhoneNumber before a claim is given up. */
  readonly claimPolls?: number;
  readonly claimPollMs?: number;
  readonly claimRetries?: number;
}

export class ConnectTelephony implements TelephonyPort {
  /** Connect API calls made (reads and writes), for tests and logs. */
  calls = 0;

  constructor(
    private readonly client: ConnectClient,
    private readonly options: ConnectTelephonyOptions,
  ) {}

  private send<T>(command: { input: unknown }): Promise<T> {
    return withBackoff(() => {
      this.calls++;
      return this.client.send(command as never) as Promise<T>;
    }, this.options);
  }

  private get instance() {
    return this.options.instanceId;
  }

  contactFlowId(): string | undefined {
    return this.options.contactFlowId;
  }

  async upsertHoursOfOperation(
    spec: HoursOfOperationSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef> {
    const Config: HoursOfOperationConfig[] = spec.slices.map((s) => ({
      Day: s.day,
      StartTime: clock(s.startMinute),
      EndTime: clock(s.endMinute),
    }));
    const input = {
      InstanceId: this.instance,
      Name: spec.name,
      Description: spec.description,
      TimeZone: spec.timeZone,
      Config,
    };
    let ref = existing;
    if (!ref) {
      try {
        const out = await this.send<{ HoursOfOperationId?: string; HoursOfOperationArn?: string }>(
          new CreateHoursOfOperationCommand(input),
        );
        ref = { id: out.HoursOfOperationId ?? '', arn: out.HoursOfOperationArn ?? '' };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        ref = await this.findByName('hours', spec.name);
        await this.send(new UpdateHoursOfOperationCommand({ ...input, HoursOfOperationId: ref.id }));
      }
    } else {
      await this.send(new UpdateHoursOfOperationCommand({ ...input, HoursOfOperationId: ref.id }));
    }
    await this.syncClosures(ref.id, spec.closures);
    return ref;
  }

  /** Holiday closures as hours-of-operation overrides with no open time, matched by name. */
  private async syncClosures(hoursId: string, closures: HoursOfOperationSpec['closures']): Promise<void> {
    const current: { id: string; name: string; from?: string; till?: string }[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.send<{
        HoursOfOperationOverrideList?: {
          HoursOfOperationOverrideId?: string;
          Name?: string;
          EffectiveFrom?: string;
          EffectiveTill?: string;
        }[];
        NextToken?: string;
      }>(
        new ListHoursOfOperationOverridesCommand({
          InstanceId: this.instance,
          HoursOfOperationId: hoursId,
          NextToken,
        }),
      );
      for (const o of page.HoursOfOperationOverrideList ?? []) {
        current.push({
          id: o.HoursOfOperationOverrideId ?? '',
          name: o.Name ?? '',
          from: o.EffectiveFrom,
          till: o.EffectiveTill,
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    const wanted = new Map(closures.map((c) => [c.name, c]));
    for (const o of current) {
      const want = wanted.get(o.name);
      if (want && want.from === o.from && want.till === o.till) {
        wanted.delete(o.name);
        continue;
      }
      await this.send(
        new DeleteHoursOfOperationOverrideCommand({
          InstanceId: this.instance,
          HoursOfOperationId: hoursId,
          HoursOfOperationOverrideId: o.id,
        }),
      );
    }
    for (const c of wanted.values()) {
      await this.send(
        new CreateHoursOfOperationOverrideCommand({
          InstanceId: this.instance,
          HoursOfOperationId: hoursId,
          Name: c.name,
          Description: 'Closed (public holiday or tenant closure)',
          // A CLOSED override needs no open slices (OverrideType, 2025 API; older instances want Config).
          OverrideType: 'CLOSED',
          Config: [],
          EffectiveFrom: c.from,
          EffectiveTill: c.till,
        }),
      );
    }
  }

  async upsertQueue(spec: QueueSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef> {
    if (!existing) {
      try {
        const out = await this.send<{ QueueId?: string; QueueArn?: string }>(
          new CreateQueueCommand({
            InstanceId: this.instance,
            Name: spec.name,
            Description: spec.description,
            HoursOfOperationId: spec.hoursOfOperationId,
          }),
        );
        return { id: out.QueueId ?? '', arn: out.QueueArn ?? '' };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        existing = await this.findByName('queue', spec.name);
      }
    }
    await this.send(
      new UpdateQueueNameCommand({
        InstanceId: this.instance,
        QueueId: existing.id,
        Name: spec.name,
        Description: spec.description,
      }),
    );
    await this.send(
      new UpdateQueueHoursOfOperationCommand({
        InstanceId: this.instance,
        QueueId: existing.id,
        HoursOfOperationId: spec.hoursOfOperationId,
      }),
    );
    return existing;
  }

  async upsertRoutingProfile(
    spec: RoutingProfileSpec,
    existing?: ConnectResourceRef,
  ): Promise<ConnectResourceRef> {
    const configs = spec.queues.map((q) => ({
      QueueReference: { QueueId: q.queueId, Channel: 'VOICE' as const },
      Priority: q.priority,
      Delay: q.delaySeconds,
    }));
    if (!existing) {
      try {
        const out = await this.send<{ RoutingProfileId?: string; RoutingProfileArn?: string }>(
          new CreateRoutingProfileCommand({
            InstanceId: this.instance,
            Name: spec.name,
            Description: spec.description,
            DefaultOutboundQueueId: spec.defaultOutboundQueueId,
            QueueConfigs: configs,
            MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
          }),
        );
        return { id: out.RoutingProfileId ?? '', arn: out.RoutingProfileArn ?? '' };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        existing = await this.findByName('routingProfile', spec.name);
      }
    }
    const ref = existing;
    const associated = new Set<string>();
    let NextToken: string | undefined;
    do {
      const page = await this.send<{
        RoutingProfileQueueConfigSummaryList?: { QueueId?: string; Channel?: string }[];
        NextToken?: string;
      }>(
        new ListRoutingProfileQueuesCommand({
          InstanceId: this.instance,
          RoutingProfileId: ref.id,
          NextToken,
        }),
      );
      for (const q of page.RoutingProfileQueueConfigSummaryList ?? [])
        if (q.QueueId) associated.add(q.QueueId);
      NextToken = page.NextToken;
    } while (NextToken);
    const fresh = configs.filter((c) => !associated.has(c.QueueReference.QueueId));
    const known = configs.filter((c) => associated.has(c.QueueReference.QueueId));
    const stale = [...associated].filter((id) => !configs.some((c) => c.QueueReference.QueueId === id));
    if (fresh.length)
      await this.send(
        new AssociateRoutingProfileQueuesCommand({
          InstanceId: this.instance,
          RoutingProfileId: ref.id,
          QueueConfigs: fresh,
        }),
      );
    if (known.length)
      await this.send(
        new UpdateRoutingProfileQueuesCommand({
          InstanceId: this.instance,
          RoutingProfileId: ref.id,
          QueueConfigs: known,
        }),
      );
    if (stale.length) {
      await this.send(
        new DisassociateRoutingProfileQueuesCommand({
          InstanceId: this.instance,
          RoutingProfileId: ref.id,
          QueueReferences: stale.map((QueueId) => ({ QueueId, Channel: 'VOICE' as const })),
        }),
      );
    }
    return ref;
  }

  private async findByName(
    kind: 'hours' | 'queue' | 'routingProfile',
    name: string,
  ): Promise<ConnectResourceRef> {
    let NextToken: string | undefined;
    do {
      const command =
        kind === 'hours'
          ? new ListHoursOfOperationsCommand({ InstanceId: this.instance, NextToken })
          : kind === 'queue'
            ? new ListQueuesCommand({ InstanceId: this.instance, QueueTypes: ['STANDARD'], NextToken })
            : new ListRoutingProfilesCommand({ InstanceId: this.instance, NextToken });
      const page = await this.send<Record<string, unknown>>(command);
      const list = (page.HoursOfOperationSummaryList ??
        page.QueueSummaryList ??
        page.RoutingProfileSummaryList ??
        []) as {
        Id?: string;
        Arn?: string;
        Name?: string;
      }[];
      const hit = list.find((x) => x.Name === name);
      if (hit?.Id) return { id: hit.Id, arn: hit.Arn ?? '' };
      NextToken = page.NextToken as string | undefined;
    } while (NextToken);
    throw new Error(`Connect reported ${name} as a duplicate but does not list it`);
  }

  async associateFlow(phoneNumberId: string, contactFlowId: string): Promise<void> {
    await this.send(
      new AssociatePhoneNumberContactFlowCommand({
        InstanceId: this.instance,
        PhoneNumberId: phoneNumberId,
        ContactFlowId: contactFlowId,
      }),
    );
  }

  async releaseAccessNumber(phoneNumberId: string): Promise<void> {
    try {
      await this.send(new ReleasePhoneNumberCommand({ PhoneNumberId: phoneNumberId }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  }

  async claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber> {
    const retries = this.options.claimRetries ?? 3;
    const sleep = this.options.sleep ?? realSleep;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const search = await this.send<{ AvailableNumbersList?: { PhoneNumber?: string }[] }>(
        new SearchAvailablePhoneNumbersCommand({
          InstanceId: this.instance,
          PhoneNumberCountryCode: request.countryCode as PhoneNumberCountryCode,
          PhoneNumberType: request.type,
          PhoneNumberPrefix: request.prefix,
          MaxResults: 10,
        }),
      );
      const candidate =
        search.AvailableNumbersList?.[attempt % Math.max(1, search.AvailableNumbersList.length)]?.PhoneNumber;
      if (!candidate)
        throw new Error(
          `no ${request.type} numbers available in ${request.countryCode}${request.prefix ? ` under ${request.prefix}` : ''}`,
        );
      const claimed = await this.send<{ PhoneNumberId?: string; PhoneNumberArn?: string }>(
        new ClaimPhoneNumberCommand({
          InstanceId: this.instance,
          PhoneNumber: candidate,
          PhoneNumberDescription: `400 ${request.number400}`,
          ClientToken: attempt === 0 ? request.idempotencyToken : `${request.idempotencyToken}-${attempt}`,
        }),
      );
      const id = claimed.PhoneNumberId ?? '';
      for (let poll = 0; poll < (this.options.claimPolls ?? 30); poll++) {
        const out = await this.send<{
          ClaimedPhoneNumberSummary?: { PhoneNumber?: string; PhoneNumberStatus?: { Status?: string } };
        }>(new DescribePhoneNumberCommand({ PhoneNumberId: id }));
        const status = out.ClaimedPhoneNumberSummary?.PhoneNumberStatus?.Status;
        if (status === 'CLAIMED')
          return { accessNumber: out.ClaimedPhoneNumberSummary?.PhoneNumber ?? candidate, phoneNumberId: id };
        if (status === 'FAILED') break;
        await sleep(this.options.claimPollMs ?? 1_000);
      }
    }
    throw new Error(
      `could not claim an access number for ${request.number400} after ${retries + 1} attempts`,
    );
  }
}
