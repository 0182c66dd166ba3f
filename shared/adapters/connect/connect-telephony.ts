/**
 * The TelephonyPort on Amazon Connect. Connect allows about 2 requests/s (burst 5) per account, so every
 * call goes through `withBackoff` (ThrottlingException / TooManyRequestsException retried with jittered
 * exponential backoff). Creates are made idempotent by name: a DuplicateResourceException (an earlier,
 * interrupted apply already created it) adopts the existing resource and updates it instead.
 * ClaimPhoneNumber is asynchronous: the claim is polled with DescribePhoneNumber until CLAIMED, and a
 * FAILED claim is retried with another searched number (the next attempt). Connect's ClientToken must be a
 * UUID (the API model's pattern ^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$), so tokens are
 * UUIDv5 names in CLAIM_TOKEN_NAMESPACE: the same application and attempt always send the same token, and
 * Connect answers a repeated claim with the same PhoneNumberId instead of claiming twice.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateRoutingProfileQueuesCommand,
  ClaimPhoneNumberCommand,
  type ConnectClient,
  CreateHoursOfOperationCommand,
  CreateHoursOfOperationOverrideCommand,
  CreatePromptCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  DeleteHoursOfOperationOverrideCommand,
  DeletePromptCommand,
  DescribePhoneNumberCommand,
  DisassociateRoutingProfileQueuesCommand,
  type HoursOfOperationConfig,
  ListHoursOfOperationOverridesCommand,
  ListHoursOfOperationsCommand,
  ListPhoneNumbersV2Command,
  ListPromptsCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  ListRoutingProfilesCommand,
  type PhoneNumberCountryCode,
  ReleasePhoneNumberCommand,
  SearchAvailablePhoneNumbersCommand,
  UpdateHoursOfOperationCommand,
  UpdatePromptCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
  UpdateRoutingProfileQueuesCommand,
} from '@aws-sdk/client-connect';
import { v5 as uuidv5 } from 'uuid';
import {
  type AccessNumberType,
  type ClaimAccessNumberRequest,
  type ClaimedAccessNumber,
  ClaimFailedError,
  ClaimPendingError,
  type ConnectResourceRef,
  type HoursOfOperationSpec,
  type PendingClaim,
  type PromptSpec,
  type QueueSpec,
  type RoutingProfileSpec,
  type TelephonyPort,
} from '../../ports/telephony.js';

/**
 * The UUIDv5 namespace of our Connect ClientTokens (a fixed random UUID, chosen once for this project: never
 * change it, or a retry after a deployment would send a new token for an old claim).
 */
export const CLAIM_TOKEN_NAMESPACE = '41f10eb7-6e49-497f-996e-52dc0101fc16';

/** ClaimPhoneNumber's ClientToken for an application's attempt (0, 1, …). */
export const claimToken = (applicationId: string, attempt: number) =>
  uuidv5(`claim#${applicationId}#${attempt}`, CLAIM_TOKEN_NAMESPACE);

/** ReleasePhoneNumber's ClientToken: one per claimed number, so a repeated release is the same request. */
export const releaseToken = (phoneNumberId: string) =>
  uuidv5(`release#${phoneNumberId}`, CLAIM_TOKEN_NAMESPACE);

/** What numbers to claim: the deployment's configuration (context connectCountry, connectNumberType, connectNumberPrefix). */
export interface AccessNumberCriteria {
  /** ISO country code (Connect's PhoneNumberCountryCode). @default 'SG' */
  readonly countryCode: string;
  /** @default 'DID' */
  readonly type: AccessNumberType;
  /** E.164 prefix to search under, e.g. "+6531" (Connect's PhoneNumberPrefix). */
  readonly prefix?: string;
}

export const DEFAULT_ACCESS_NUMBERS: AccessNumberCriteria = { countryCode: 'SG', type: 'DID' };

/** The criteria from the function's environment (set by the stateless stack from deployment context). */
export function accessNumbersFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): AccessNumberCriteria {
  const type = env.CONNECT_NUMBER_TYPE || DEFAULT_ACCESS_NUMBERS.type;
  if (type !== 'DID' && type !== 'TOLL_FREE')
    throw new Error(`CONNECT_NUMBER_TYPE must be DID or TOLL_FREE, got ${type}`);
  return {
    countryCode: env.CONNECT_COUNTRY || DEFAULT_ACCESS_NUMBERS.countryCode,
    type,
    ...(env.CONNECT_NUMBER_PREFIX ? { prefix: env.CONNECT_NUMBER_PREFIX } : {}),
  };
}

const description400 = (number400: string) => `400 ${number400}`;

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
  /** Which numbers to claim. @default DEFAULT_ACCESS_NUMBERS */
  readonly accessNumbers?: AccessNumberCriteria;
  readonly contactFlowId?: string;
  /** Polls of DescribePhoneNumber before a claim is given up. */
  readonly claimPolls?: number;
  readonly claimPollMs?: number;
  readonly claimRetries?: number;
  /**
   * Paces this process's requests to about this many a second (a gap of 1/rate seconds before every request
   * after the first), under Connect's account-wide 2 requests/s. @default unpaced
   */
  readonly requestsPerSecond?: number;
}

export class ConnectTelephony implements TelephonyPort {
  /** Connect API calls made (reads and writes), for tests and logs. */
  calls = 0;

  constructor(
    private readonly client: ConnectClient,
    private readonly options: ConnectTelephonyOptions,
  ) {}

  private async send<T>(command: { input: unknown }): Promise<T> {
    return withBackoff(async () => {
      const rate = this.options.requestsPerSecond;
      if (rate && this.calls > 0) await (this.options.sleep ?? realSleep)(Math.ceil(1000 / rate));
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

  /**
   * A prompt made from the tenant's object (`spec.s3Uri`, in the prompts bucket); `spec.revision` is ours and
   * never sent. An existing one of the name (another number of the tenant, or an interrupted apply) is adopted.
   */
  async upsertPrompt(spec: PromptSpec, existing?: ConnectResourceRef): Promise<ConnectResourceRef> {
    const fields = {
      InstanceId: this.instance,
      Name: spec.name,
      Description: spec.description,
      S3Uri: spec.s3Uri,
    };
    if (!existing) {
      try {
        const out = await this.send<{ PromptId?: string; PromptARN?: string }>(
          new CreatePromptCommand(fields),
        );
        return { id: out.PromptId ?? '', arn: out.PromptARN ?? '' };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        existing = await this.findByName('prompt', spec.name);
      }
    }
    const out = await this.send<{ PromptId?: string; PromptARN?: string }>(
      new UpdatePromptCommand({ ...fields, PromptId: existing.id }),
    );
    return { id: out.PromptId ?? existing.id, arn: out.PromptARN ?? existing.arn };
  }

  /**
   * The prompt apply made for one of ours, found by its name (its id is recorded per number only while a
   * number plays it); a prompt deleted between the listing and the delete is no error.
   */
  async deletePrompt(name: string): Promise<boolean> {
    const found = await this.lookUpByName('prompt', name);
    if (!found) return false;
    try {
      await this.send(new DeletePromptCommand({ InstanceId: this.instance, PromptId: found.id }));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }

  private async findByName(
    kind: 'hours' | 'queue' | 'routingProfile' | 'prompt',
    name: string,
  ): Promise<ConnectResourceRef> {
    const found = await this.lookUpByName(kind, name);
    if (!found) throw new Error(`Connect reported ${name} as a duplicate but does not list it`);
    return found;
  }

  private async lookUpByName(
    kind: 'hours' | 'queue' | 'routingProfile' | 'prompt',
    name: string,
  ): Promise<ConnectResourceRef | undefined> {
    let NextToken: string | undefined;
    do {
      const command =
        kind === 'hours'
          ? new ListHoursOfOperationsCommand({ InstanceId: this.instance, NextToken })
          : kind === 'queue'
            ? new ListQueuesCommand({ InstanceId: this.instance, QueueTypes: ['STANDARD'], NextToken })
            : kind === 'prompt'
              ? new ListPromptsCommand({ InstanceId: this.instance, NextToken })
              : new ListRoutingProfilesCommand({ InstanceId: this.instance, NextToken });
      const page = await this.send<Record<string, unknown>>(command);
      const list = (page.HoursOfOperationSummaryList ??
        page.QueueSummaryList ??
        page.RoutingProfileSummaryList ??
        page.PromptSummaryList ??
        []) as {
        Id?: string;
        Arn?: string;
        Name?: string;
      }[];
      const hit = list.find((x) => x.Name === name);
      if (hit?.Id) return { id: hit.Id, arn: hit.Arn ?? '' };
      NextToken = page.NextToken as string | undefined;
    } while (NextToken);
    return undefined;
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
      await this.send(
        new ReleasePhoneNumberCommand({
          PhoneNumberId: phoneNumberId,
          ClientToken: releaseToken(phoneNumberId),
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  }

  async claimAccessNumber(request: ClaimAccessNumberRequest): Promise<ClaimedAccessNumber> {
    const retries = this.options.claimRetries ?? 3;
    const sleep = this.options.sleep ?? realSleep;
    const criteria = this.options.accessNumbers ?? DEFAULT_ACCESS_NUMBERS;
    const report = async (claim: PendingClaim) => {
      await request.onPending?.(claim);
      return claim;
    };
    // Resume what the caller stored; without it, adopt a number an earlier, interrupted run claimed for this
    // 400 number (it carries our description), so a retry never claims a second one.
    let claim: PendingClaim | undefined = request.pending ?? (await this.findClaimed(request.number400));
    const first = claim?.attempt ?? 0;
    for (let attempt = first; attempt <= first + retries; attempt++) {
      if (!claim) {
        const phoneNumber = await this.searchNumber(criteria, attempt);
        claim = await report({ attempt, phoneNumber });
      }
      if (!claim.phoneNumberId) {
        const claimed = await this.send<{ PhoneNumberId?: string }>(
          new ClaimPhoneNumberCommand({
            InstanceId: this.instance,
            PhoneNumber: claim.phoneNumber,
            PhoneNumberDescription: description400(request.number400),
            ClientToken: claimToken(request.idempotencyToken, claim.attempt),
          }),
        );
        if (!claimed.PhoneNumberId)
          throw new Error(`Connect returned no PhoneNumberId for ${claim.phoneNumber}`);
        claim = await report({ ...claim, phoneNumberId: claimed.PhoneNumberId });
      }
      const id = claim.phoneNumberId as string;
      let failed = false;
      for (let poll = 0; poll < (this.options.claimPolls ?? 30) && !failed; poll++) {
        const out = await this.send<{
          ClaimedPhoneNumberSummary?: { PhoneNumber?: string; PhoneNumberStatus?: { Status?: string } };
        }>(new DescribePhoneNumberCommand({ PhoneNumberId: id }));
        const status = out.ClaimedPhoneNumberSummary?.PhoneNumberStatus?.Status;
        if (status === 'CLAIMED')
          return {
            accessNumber: out.ClaimedPhoneNumberSummary?.PhoneNumber ?? claim.phoneNumber,
            phoneNumberId: id,
          };
        if (status === 'FAILED') failed = true;
        else await sleep(this.options.claimPollMs ?? 1_000);
      }
      // Still in progress: the number may yet become ours, so never move on to another one here.
      if (!failed) throw new ClaimPendingError(claim);
      claim = undefined;
    }
    throw new ClaimFailedError(
      `could not claim an access number for ${request.number400} after ${retries + 1} attempts`,
    );
  }

  /** One available number for an attempt: attempts walk down the search results. */
  private async searchNumber(criteria: AccessNumberCriteria, attempt: number): Promise<string> {
    const search = await this.send<{ AvailableNumbersList?: { PhoneNumber?: string }[] }>(
      new SearchAvailablePhoneNumbersCommand({
        InstanceId: this.instance,
        PhoneNumberCountryCode: criteria.countryCode as PhoneNumberCountryCode,
        PhoneNumberType: criteria.type,
        ...(criteria.prefix ? { PhoneNumberPrefix: criteria.prefix } : {}),
        MaxResults: 10,
      }),
    );
    const list = search.AvailableNumbersList ?? [];
    const candidate = list[attempt % Math.max(1, list.length)]?.PhoneNumber;
    if (!candidate)
      throw new ClaimFailedError(
        `no ${criteria.type} numbers available in ${criteria.countryCode}${criteria.prefix ? ` under ${criteria.prefix}` : ''}`,
      );
    return candidate;
  }

  /** A number already claimed to the instance for this 400 number (by our description), if any. */
  private async findClaimed(number400: string): Promise<PendingClaim | undefined> {
    let NextToken: string | undefined;
    do {
      const page = await this.send<{
        ListPhoneNumbersSummaryList?: {
          PhoneNumberId?: string;
          PhoneNumber?: string;
          PhoneNumberDescription?: string;
        }[];
        NextToken?: string;
      }>(new ListPhoneNumbersV2Command({ InstanceId: this.instance, NextToken }));
      const hit = page?.ListPhoneNumbersSummaryList?.find(
        (n) => n.PhoneNumberDescription === description400(number400) && n.PhoneNumberId && n.PhoneNumber,
      );
      if (hit)
        return { attempt: 0, phoneNumber: hit.PhoneNumber as string, phoneNumberId: hit.PhoneNumberId };
      NextToken = page?.NextToken;
    } while (NextToken);
    return undefined;
  }
}
