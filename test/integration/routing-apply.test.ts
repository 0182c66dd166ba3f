import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateRoutingProfileQueuesCommand,
  ClaimPhoneNumberCommand,
  ConnectClient,
  CreateHoursOfOperationCommand,
  CreateHoursOfOperationOverrideCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  DescribePhoneNumberCommand,
  DuplicateResourceException,
  InvalidRequestException,
  ListHoursOfOperationOverridesCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  SearchAvailablePhoneNumbersCommand,
  ThrottlingException,
  UpdateHoursOfOperationCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
} from '@aws-sdk/client-connect';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectTelephony, claimToken } from '../../shared/adapters/connect/connect-telephony.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoHolidayCalendarStore } from '../../shared/adapters/dynamo/holiday-calendar-store.js';
import { DynamoRoutingStore } from '../../shared/adapters/dynamo/routing-store.js';
import {
  type ApplyRoutingRequest,
  applyRouting as applyRoutingUseCase,
} from '../../shared/app/routing/apply-routing.js';
import { putRouting } from '../../shared/app/routing/put-routing.js';
import { tableName } from '../../shared/config.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import type { RoutingConfigInput } from '../../shared/domain/routing/config.js';
import { normaliseConfig } from '../../shared/domain/routing/config.js';
import type { RoutingConfig } from '../../shared/domain/routing/types.js';
import type { TelephonyPort } from '../../shared/ports/telephony.js';
import { tariffsFrom, useTariffStore } from '../../shared/runtime/tariffs.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { noPromptAudio, promptStore } from '../support/prompts.js';
import { defaultTariffOnly } from '../support/tariffs.js';
import { ENTERPRISE, ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const routingStore = new DynamoRoutingStore();
const calendarStore = new DynamoHolidayCalendarStore();
/** Stores a configuration as PUT …/routing does (ownership, validation, versions). */
const putConfig = (
  n: string,
  tenantId: string,
  config: RoutingConfig,
  at: string,
  expectedVersion?: number,
) =>
  putRouting(
    { routing: routingStore, prompts: promptStore, timeZone: 'Asia/Shanghai' },
    { number: n, tenantId, input: config as RoutingConfigInput, at, expectedVersion },
  );
const getConfig = (n: string, version?: number) => routingStore.config(n, version);
const getSnapshot = (accessNumber: string) => routingStore.snapshot(accessNumber);
const applyRouting = ({ telephony, ...request }: ApplyRoutingRequest & { telephony: TelephonyPort }) =>
  applyRoutingUseCase(
    {
      routing: routingStore,
      calendars: calendarStore,
      telephony,
      ...noPromptAudio,
      tariffsFrom: defaultTariffOnly,
    },
    request,
  );

const connect = mockClient(ConnectClient);
const WRITES = [
  CreateHoursOfOperationCommand,
  UpdateHoursOfOperationCommand,
  CreateHoursOfOperationOverrideCommand,
  CreateQueueCommand,
  UpdateQueueNameCommand,
  UpdateQueueHoursOfOperationCommand,
  CreateRoutingProfileCommand,
  AssociateRoutingProfileQueuesCommand,
  AssociatePhoneNumberContactFlowCommand,
];
const writeCalls = () => WRITES.reduce((n, c) => n + connect.commandCalls(c as never).length, 0);

let db: TestDatabase;
let counter = 0;
let number = '';
let telephony: ConnectTelephony;
const sleeps: number[] = [];

function mockHappyConnect() {
  connect.reset();
  let id = 0;
  connect
    .on(CreateHoursOfOperationCommand)
    .callsFake(() => ({ HoursOfOperationId: `h-${++id}`, HoursOfOperationArn: `arn:h-${id}` }));
  connect.on(ListHoursOfOperationOverridesCommand).resolves({ HoursOfOperationOverrideList: [] });
  connect.on(CreateHoursOfOperationOverrideCommand).resolves({ HoursOfOperationOverrideId: 'o' });
  connect.on(CreateQueueCommand).callsFake((input: { Name: string }) => ({
    QueueId: `q-${input.Name}`,
    QueueArn: `arn:queue/${input.Name}`,
  }));
  connect.on(CreateRoutingProfileCommand).callsFake((input: { Name: string }) => ({
    RoutingProfileId: `rp-${input.Name}`,
    RoutingProfileArn: `arn:rp/${input.Name}`,
  }));
  connect.on(AssociatePhoneNumberContactFlowCommand).resolves({});
}

async function seedNumber(n: string) {
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${n}`,
        sk: 'NUMBER',
        type: 'number',
        number: n,
        tenantId: 'acme',
        status: 'active',
        accessNumber: `+65${n.slice(-8)}`,
        phoneNumberId: `pn-${n}`,
      },
    }),
  );
}

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => {
  number = `40081${String(++counter).padStart(5, '0')}`;
  await seedNumber(number);
  mockHappyConnect();
  sleeps.length = 0;
  telephony = new ConnectTelephony(new ConnectClient({ region: 'ap-southeast-1' }), {
    instanceId: 'inst-1',
    contactFlowId: 'flow-1',
    sleep: async (ms) => void sleeps.push(ms),
  });
});

const apply = () => applyRouting({ number, tenantId: 'acme', telephony, at: '2026-11-25T02:00:00Z' });

describe('apply routing to Connect', () => {
  it('creates hours, normal + VIP queues, the routing profile and the flow binding, then the snapshot', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    const result = await apply();
    expect(result.changes.map((c) => `${c.change}:${c.key}`)).toEqual([
      'created:hours',
      'created:queue:sales',
      'created:queue:sales:vip',
      'created:profile:sales-team',
      'created:flow',
    ]);
    expect(result.snapshot).toBe('written');
    const profile = connect.commandCalls(CreateRoutingProfileCommand)[0]?.args[0].input;
    expect(profile?.QueueConfigs?.map((q) => [q.QueueReference?.QueueId, q.Priority])).toEqual([
      [`q-q400-${number}-sales-vip`, 1],
      [`q-q400-${number}-sales`, 2],
    ]);
    expect(connect.commandCalls(CreateHoursOfOperationOverrideCommand).length).toBeGreaterThan(5);
    const snapshot = await getSnapshot(`+65${number.slice(-8)}`);
    expect(snapshot).toMatchObject({ routingVersion: 1, tenantId: 'acme', number400: number });
    expect((snapshot?.routing as { queues: Record<string, string> } | undefined)?.queues.sales).toBe(
      `arn:queue/q400-${number}-sales`,
    );
    expect(snapshot?.worstRatePerMinute).toBe(32);
  });

  it('carries the worst rates of every tariff in force from the apply on (a stored version’s at its instant)', async () => {
    // 4008 payg long distance 30 → 36 from 1 Jan 2027 00:00 Shanghai: the number's own worst minute
    // (ENTERPRISE records: + 2) goes 32 → 38, and so does the tariff's dearest minute (the refusal point).
    let stored: TariffVersion[] = [];
    useTariffStore({
      list: async () =>
        stored.map((v) => ({
          ...v,
          scheduledBy: 'op',
          noticeState: 'done' as const,
        })),
    });
    try {
      const applyAt = (at: string) =>
        applyRoutingUseCase(
          { routing: routingStore, calendars: calendarStore, telephony, ...noPromptAudio, tariffsFrom },
          { number, tenantId: 'acme', at },
        );
      await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
      expect((await applyAt('2026-11-25T02:00:00Z')).snapshot).toBe('written');
      expect((await getSnapshot(`+65${number.slice(-8)}`))?.rateSteps).toEqual([
        { from: '2026-11-25T02:00:00.000Z', worstRatePerMinute: 32, refusalRatePerMinute: 32 },
      ]);
      // A version stored since: the next apply (a minute later: the versions are re-read) rewrites the snapshot.
      stored = [
        {
          planId: 'payg',
          effectiveFrom: '2027-01-01',
          rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
          description: '',
          scheduledAt: '2026-11-25T00:00:00Z',
        },
      ];
      expect((await applyAt('2026-11-25T02:01:00Z')).snapshot).toBe('written');
      expect((await getSnapshot(`+65${number.slice(-8)}`))?.rateSteps).toEqual([
        { from: '2026-11-25T02:01:00.000Z', worstRatePerMinute: 32, refusalRatePerMinute: 32 },
        { from: '2026-12-31T16:00:00.000Z', worstRatePerMinute: 38, refusalRatePerMinute: 38 },
      ]);
      // Nothing new since: unchanged, although the apply instant moved.
      expect((await applyAt('2026-11-25T02:03:00Z')).snapshot).toBe('unchanged');
    } finally {
      useTariffStore();
    }
  });

  it('refreshes the rates of snapshots applied before new prices were scheduled (the daily tariff job)', async () => {
    const { dynamoTariffs } = await import('../../shared/adapters/dynamo/billing-tariffs.js');
    const { billingJobs } = await import('../../shared/runtime/billing-jobs.js');
    const { usePorts, resetPorts } = await import('../../shared/runtime/ports.js');
    usePorts({ notifications: { publish: async () => ({ messageId: 'n' }) } });
    try {
      await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
      await applyRoutingUseCase(
        { routing: routingStore, calendars: calendarStore, telephony, ...noPromptAudio, tariffsFrom },
        { number, tenantId: 'acme', at: '2026-11-25T02:00:00Z' },
      );
      const accessNumber = `+65${number.slice(-8)}`;
      expect((await getSnapshot(accessNumber))?.rateSteps).toHaveLength(1);
      // Scheduled after the apply: 4008 payg long distance 30 → 36 from 1 January 2027.
      await dynamoTariffs.create(
        {
          planId: 'payg',
          effectiveFrom: '2027-01-01',
          rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
          description: '',
          scheduledAt: '2026-11-25T03:00:00Z',
        },
        'op',
      );
      await billingJobs.applyTariffVersions('2026-11-26T02:00:00.000Z');
      // ENTERPRISE records: the number's worst minute and the tariff's dearest are 32, then 38 from T.
      expect(await getSnapshot(accessNumber)).toMatchObject({
        worstRatePerMinute: 32,
        rateSteps: [
          { from: '2026-11-26T02:00:00.000Z', worstRatePerMinute: 32, refusalRatePerMinute: 32 },
          { from: '2026-12-31T16:00:00.000Z', worstRatePerMinute: 38, refusalRatePerMinute: 38 },
        ],
      });
    } finally {
      resetPorts();
    }
  });

  it('a second apply of the same configuration makes zero Connect write calls', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    await apply();
    connect.resetHistory();
    const again = await apply();
    expect(writeCalls()).toBe(0);
    expect(connect.calls()).toHaveLength(0);
    expect(again).toMatchObject({ changes: [], snapshot: 'unchanged', connectWrites: 0 });
    // A new version with the same content still writes nothing to Connect, only the snapshot version.
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:30:00Z');
    connect.resetHistory();
    const sameContent = await apply();
    expect(writeCalls()).toBe(0);
    expect(sameContent.snapshot).toBe('written');
  });

  it('only the changed resource is written when the configuration changes', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    await apply();
    connect.resetHistory();
    const renamed = normaliseConfig({
      ...ENTERPRISE_INPUT,
      queues: [{ id: 'sales', name: 'Sales & Leads', agentGroup: 'sales-team' }],
    });
    await putConfig(number, 'acme', renamed, '2026-11-25T03:00:00Z');
    connect.on(ListRoutingProfileQueuesCommand).resolves({ RoutingProfileQueueConfigSummaryList: [] });
    const result = await apply();
    expect(result.changes.map((c) => `${c.change}:${c.key}`)).toEqual([
      'updated:queue:sales',
      'updated:queue:sales:vip',
    ]);
    expect(connect.commandCalls(UpdateQueueNameCommand)).toHaveLength(2);
    expect(connect.commandCalls(CreateHoursOfOperationCommand)).toHaveLength(0);
  });

  it('resumes after an injected failure without redoing finished steps', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    connect
      .on(CreateQueueCommand)
      .callsFakeOnce((input: { Name: string }) => ({
        QueueId: `q-${input.Name}`,
        QueueArn: `arn:queue/${input.Name}`,
      }))
      .rejectsOnce(new InvalidRequestException({ message: 'injected', $metadata: {} }))
      .callsFake((input: { Name: string }) => ({
        QueueId: `q-${input.Name}`,
        QueueArn: `arn:queue/${input.Name}`,
      }));
    await expect(apply()).rejects.toThrow('injected');
    expect(await getSnapshot(`+65${number.slice(-8)}`)).toBeUndefined();
    const resumed = await apply();
    expect(resumed.unchanged).toEqual(['hours', 'queue:sales']);
    expect(resumed.changes.map((c) => c.key)).toEqual(['queue:sales:vip', 'profile:sales-team', 'flow']);
    expect(connect.commandCalls(CreateHoursOfOperationCommand)).toHaveLength(1);
    expect(resumed.snapshot).toBe('written');
  });

  it('retries Connect throttling with backoff', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    connect
      .on(CreateHoursOfOperationCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException' }))
      .resolves({ HoursOfOperationId: 'h-1', HoursOfOperationArn: 'arn:h-1' });
    const result = await apply();
    expect(result.changes[0]).toMatchObject({ key: 'hours', change: 'created' });
    expect(connect.commandCalls(CreateHoursOfOperationCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('adopts a queue an interrupted apply created (DuplicateResourceException) instead of failing', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    connect
      .on(CreateQueueCommand)
      .rejects(new DuplicateResourceException({ message: 'exists', $metadata: {} }));
    connect.on(ListQueuesCommand).callsFake(() => ({
      QueueSummaryList: [
        { Id: 'q-old', Arn: 'arn:queue/old', Name: `q400-${number}-sales` },
        { Id: 'q-old-vip', Arn: 'arn:queue/old-vip', Name: `q400-${number}-sales-vip` },
      ],
    }));
    const result = await apply();
    expect(result.changes.find((c) => c.key === 'queue:sales')?.change).toBe('created');
    expect(connect.commandCalls(UpdateQueueHoursOfOperationCommand)).toHaveLength(2);
    const snapshot = await getSnapshot(`+65${number.slice(-8)}`);
    expect((snapshot?.routing as { vipQueues: Record<string, string> } | undefined)?.vipQueues.sales).toBe(
      'arn:queue/old-vip',
    );
  });

  it('a queue renamed to a new id takes over the one it replaces (renamed in Connect), never one more', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    await apply();
    connect.resetHistory();
    connect.on(ListRoutingProfileQueuesCommand).resolves({ RoutingProfileQueueConfigSummaryList: [] });
    const desk = normaliseConfig({
      ...ENTERPRISE_INPUT,
      queues: [{ id: 'desk', name: 'Desk', agentGroup: 'sales-team' }],
      menus: {},
      defaultDestination: { type: 'queue', queueId: 'desk' },
    });
    await putConfig(number, 'acme', desk, '2026-11-25T03:00:00Z');
    const result = await apply();
    expect(connect.commandCalls(CreateQueueCommand)).toHaveLength(0);
    expect(connect.commandCalls(UpdateQueueNameCommand).map((c) => c.args[0].input)).toMatchObject([
      { QueueId: `q-q400-${number}-sales`, Name: `q400-${number}-desk` },
      { QueueId: `q-q400-${number}-sales-vip`, Name: `q400-${number}-desk-vip` },
    ]);
    expect(result.changes.map((c) => `${c.change}:${c.key}`)).toEqual([
      'removed:queue:sales',
      'created:queue:desk',
      'removed:queue:sales:vip',
      'created:queue:desk:vip',
    ]);
    // The profile's queues are the same Connect queues: the profile is unchanged.
    expect(result.unchanged).toContain('profile:sales-team');
  });

  it('an apply stopped between taking a queue over and forgetting its old key never hands it out twice', async () => {
    await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    await apply();
    connect.on(ListRoutingProfileQueuesCommand).resolves({ RoutingProfileQueueConfigSummaryList: [] });
    const twoDesks = normaliseConfig({
      ...ENTERPRISE_INPUT,
      queues: [
        { id: 'desk', name: 'Desk', agentGroup: 'sales-team' },
        { id: 'desk2', name: 'Desk 2', agentGroup: 'sales-team' },
      ],
      menus: {},
      defaultDestination: { type: 'queue', queueId: 'desk' },
    });
    await putConfig(number, 'acme', twoDesks, '2026-11-25T03:00:00Z');
    let failed = false;
    const stopping = Object.create(routingStore) as typeof routingStore;
    stopping.saveAppliedResource = async (n, key, resource) => {
      if (!resource && key === 'queue:sales' && !failed) {
        failed = true;
        throw new Error('stopped');
      }
      return routingStore.saveAppliedResource(n, key, resource);
    };
    const run = () =>
      applyRoutingUseCase(
        {
          routing: stopping,
          calendars: calendarStore,
          telephony,
          ...noPromptAudio,
          tariffsFrom: defaultTariffOnly,
        },
        { number, tenantId: 'acme', at: '2026-11-25T04:00:00Z' },
      );
    await expect(run()).rejects.toThrow('stopped');
    await run();
    const resources = Object.values((await routingStore.applied(number)).resources).filter((r) => !r.retired);
    const ids = resources.map((r) => r.id);
    // hours, desk, desk:vip, desk2, desk2:vip, the profile, the flow: each its own Connect resource.
    expect(resources).toHaveLength(7);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a number that is not the tenant’s, and a number with nothing to apply', async () => {
    await expect(applyRouting({ number, tenantId: 'other', telephony, at: 'x' })).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(apply()).rejects.toMatchObject({ code: 'nothing_to_apply' });
  });
});

describe('claiming an access number', () => {
  it('polls DescribePhoneNumber and retries a FAILED claim with another number', async () => {
    connect
      .on(SearchAvailablePhoneNumbersCommand)
      .resolves({ AvailableNumbersList: [{ PhoneNumber: '+6531580001' }, { PhoneNumber: '+6531580002' }] });
    connect
      .on(ClaimPhoneNumberCommand)
      .callsFake((input: { PhoneNumber: string }) => ({ PhoneNumberId: `pn-${input.PhoneNumber}` }));
    connect
      .on(DescribePhoneNumberCommand)
      .resolvesOnce({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'IN_PROGRESS' } } })
      .resolvesOnce({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'FAILED' } } })
      .resolvesOnce({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'IN_PROGRESS' } } })
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }))
      .resolves({
        ClaimedPhoneNumberSummary: { PhoneNumber: '+6531580002', PhoneNumberStatus: { Status: 'CLAIMED' } },
      });
    const claimed = await telephony.claimAccessNumber({
      number400: '4008123456',
      countryCode: 'SG',
      type: 'DID',
      idempotencyToken: 'tok-1',
    });
    expect(claimed).toEqual({ accessNumber: '+6531580002', phoneNumberId: 'pn-+6531580002' });
    const tokens = connect.commandCalls(ClaimPhoneNumberCommand).map((c) => c.args[0].input.ClientToken);
    // Connect wants a UUID: UUIDv5 of the application and attempt (issue 16), a new one for the retry.
    expect(tokens).toEqual([claimToken('tok-1', 0), claimToken('tok-1', 1)]);
  });
});

describe('configuration versions', () => {
  it('numbers versions without gaps and refuses a write based on a stale version', async () => {
    const first = await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:00:00Z');
    const second = await putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:05:00Z', 1);
    expect([first.version, second.version]).toEqual([1, 2]);
    await expect(putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:10:00Z', 1)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'version_mismatch',
    });
    const concurrent = await Promise.allSettled([
      putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:20:00Z'),
      putConfig(number, 'acme', ENTERPRISE, '2026-11-25T01:20:00Z'),
    ]);
    expect(concurrent.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await getConfig(number))?.version).toBe(3);
    expect((await getConfig(number, 3))?.updatedAt).toBe('2026-11-25T01:20:00Z');
  });
});
