import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateRoutingProfileQueuesCommand,
  ConnectClient,
  CreateHoursOfOperationCommand,
  CreateHoursOfOperationOverrideCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  DeleteHoursOfOperationOverrideCommand,
  ListHoursOfOperationOverridesCommand,
  UpdateHoursOfOperationCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
  UpdateRoutingProfileQueuesCommand,
} from '@aws-sdk/client-connect';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as getCalendar } from '../../functions/api/routing/get-holiday-calendar.js';
import { handler as listCalendars } from '../../functions/api/routing/list-holiday-calendars.js';
import { handler as putCalendar } from '../../functions/api/routing/put-holiday-calendar.js';
import { handler as calendarCheckJob } from '../../functions/jobs/holiday-calendar-check.js';
import { handler as recompileJob } from '../../functions/jobs/holiday-recompile.js';
import { ConnectTelephony } from '../../shared/adapters/connect/connect-telephony.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoHolidayCalendarStore } from '../../shared/adapters/dynamo/holiday-calendar-store.js';
import { DynamoRoutingStore } from '../../shared/adapters/dynamo/routing-store.js';
import {
  type ApplyRoutingRequest,
  applyRouting as applyRoutingUseCase,
} from '../../shared/app/routing/apply-routing.js';
import {
  type CalendarCheckResult,
  checkHolidayCalendar as checkHolidayCalendarUseCase,
} from '../../shared/app/routing/check-holiday-calendar.js';
import { loadPublicCalendar as loadCalendar } from '../../shared/app/routing/public-calendar.js';
import { putRouting } from '../../shared/app/routing/put-routing.js';
import {
  type RecompileHolidaysRequest,
  type RecompileResult,
  recompileHolidays,
} from '../../shared/app/routing/recompile-holidays.js';
import { tableName } from '../../shared/config.js';
import type { RoutingConfigInput } from '../../shared/domain/routing/config.js';
import { normaliseConfig } from '../../shared/domain/routing/config.js';
import type { RoutingConfig } from '../../shared/domain/routing/types.js';
import type { Role } from '../../shared/http/roles.js';
import type { TelephonyPort } from '../../shared/ports/telephony.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { noPromptAudio, promptStore } from '../support/prompts.js';
import { defaultTariffOnly } from '../support/tariffs.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

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
const loadPublicCalendar = () => loadCalendar(calendarStore);
const checkHolidayCalendar = (at: string) =>
  checkHolidayCalendarUseCase({ calendars: calendarStore, timeZone: 'Asia/Shanghai' }, at);
const recompileHolidaySnapshots = ({
  telephony,
  ...request
}: RecompileHolidaysRequest & { telephony: TelephonyPort }) =>
  recompileHolidays(
    {
      routing: routingStore,
      calendars: calendarStore,
      telephony,
      ...noPromptAudio,
      tariffsFrom: defaultTariffOnly,
    },
    request,
  );

type Response = { statusCode: number; body: string; headers?: Record<string, string> };
const ctx = lambdaContext as Context;

const OPERATOR = { roles: ['operator'] as Role[] };
const TENANT = { tenantId: 'acme', roles: ['tenant-admin'] as Role[] };

const CAL_2027 = {
  holidays: ['2027-01-01', '2027-10-01', '2027-10-02', '2027-10-03'],
  makeUpWorkdays: ['2027-09-26', '2027-10-09'],
  source: 'State Council notice (test data)',
};

async function put(year: string, body: unknown, who: object = OPERATOR, headers?: Record<string, string>) {
  const res = (await putCalendar(apiEvent({ ...who, path: { year }, body, headers }), ctx)) as Response;
  return { status: res.statusCode, body: JSON.parse(res.body || 'null'), headers: res.headers };
}
async function get(year: string | undefined, who: object = TENANT) {
  const res = (
    year === undefined
      ? await listCalendars(apiEvent({ ...who }), ctx)
      : await getCalendar(apiEvent({ ...who, path: { year } }), ctx)
  ) as Response;
  return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
}

/** Connect with its hours-of-operation overrides kept, so the test sees which ones a re-apply writes. */
const connect = mockClient(ConnectClient);
const overrides = new Map<string, { hours: string; id: string; name: string; from: string; till: string }>();
function mockConnect() {
  connect.reset();
  overrides.clear();
  let id = 0;
  connect
    .on(CreateHoursOfOperationCommand)
    .callsFake(() => ({ HoursOfOperationId: `h-${++id}`, HoursOfOperationArn: `arn:h-${id}` }));
  connect.on(UpdateHoursOfOperationCommand).resolves({});
  connect.on(ListHoursOfOperationOverridesCommand).callsFake((input: { HoursOfOperationId: string }) => ({
    HoursOfOperationOverrideList: [...overrides.values()]
      .filter((o) => o.hours === input.HoursOfOperationId)
      .map((o) => ({
        HoursOfOperationOverrideId: o.id,
        Name: o.name,
        EffectiveFrom: o.from,
        EffectiveTill: o.till,
      })),
  }));
  connect
    .on(CreateHoursOfOperationOverrideCommand)
    .callsFake(
      (input: { HoursOfOperationId: string; Name: string; EffectiveFrom: string; EffectiveTill: string }) => {
        const o = {
          hours: input.HoursOfOperationId,
          id: `o-${++id}`,
          name: input.Name,
          from: input.EffectiveFrom,
          till: input.EffectiveTill,
        };
        overrides.set(o.id, o);
        return { HoursOfOperationOverrideId: o.id };
      },
    );
  connect
    .on(DeleteHoursOfOperationOverrideCommand)
    .callsFake((input: { HoursOfOperationOverrideId: string }) => {
      overrides.delete(input.HoursOfOperationOverrideId);
      return {};
    });
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
const NON_HOURS_WRITES = [
  CreateQueueCommand,
  UpdateQueueNameCommand,
  UpdateQueueHoursOfOperationCommand,
  CreateRoutingProfileCommand,
  AssociateRoutingProfileQueuesCommand,
  UpdateRoutingProfileQueuesCommand,
  AssociatePhoneNumberContactFlowCommand,
];
const calls = (command: unknown) => connect.commandCalls(command as never).length;

let db: TestDatabase;
let telephony: ConnectTelephony;
const AT = '2026-11-25T02:00:00Z';

async function seedNumber(n: string, tenantId = 'acme') {
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${n}`,
        sk: 'NUMBER',
        type: 'number',
        number: n,
        tenantId,
        status: 'active',
        accessNumber: access(n),
        phoneNumberId: `pn-${n}`,
      },
    }),
  );
}
const access = (n: string) => `+65${n.slice(-8)}`;
type Snapshot = {
  routing: { holidays: string[]; workdays: string[] };
  routingVersion: number;
  calendarStamp?: string;
  gsi1pk?: string;
};
const snapshotOf = async (n: string) => (await getSnapshot(access(n))) as unknown as Snapshot;

async function applied(n: string, input = ENTERPRISE_INPUT) {
  await seedNumber(n);
  await putConfig(n, 'acme', normaliseConfig(input), '2026-11-25T01:00:00Z');
  await applyRouting({ number: n, tenantId: 'acme', telephony, at: AT });
}

const runJob = async (): Promise<RecompileResult> =>
  (await recompileJob({ at: '2026-11-25T03:00:00Z' }, ctx)) as RecompileResult;

beforeAll(async () => {
  db = await startTestDatabase();
  mockConnect();
  telephony = new ConnectTelephony(new ConnectClient({ region: 'ap-southeast-1' }), {
    instanceId: 'inst-1',
    contactFlowId: 'flow-1',
    sleep: async () => undefined,
  });
  usePorts({ telephony });
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});

describe('missing-year warning (before anything is published)', () => {
  it('warns from 1 December when next year is missing, and for the current year always', async () => {
    expect((await checkHolidayCalendar('2026-11-25T02:00:00Z')).missing).toEqual([]);
    // 1 December in Shanghai is still 30 November in UTC at 17:00Z.
    expect((await checkHolidayCalendar('2026-11-30T17:00:00Z')).missing).toEqual([
      { year: 2027, when: 'next' },
    ]);
    expect((await checkHolidayCalendar('2026-11-30T15:00:00Z')).missing).toEqual([]);
    const job = (await calendarCheckJob({ at: '2027-01-04T02:00:00Z' }, ctx)) as CalendarCheckResult;
    expect(job.missing).toEqual([{ year: 2027, when: 'current' }]);
    expect(job.years).toEqual([2025, 2026]);
  });
});

describe('holiday calendar API', () => {
  it('operators publish a year; anyone signed in reads it', async () => {
    const created = await put('2027', { ...CAL_2027, holidays: [...CAL_2027.holidays].reverse() });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      year: 2027,
      origin: 'published',
      version: 1,
      changed: true,
      holidays: CAL_2027.holidays,
      updatedBy: 'user-1',
    });
    expect(created.headers?.etag).toBe('"1"');

    const read = await get('2027');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ year: 2027, origin: 'published', version: 1, source: CAL_2027.source });
    const bundled = await get('2026', OPERATOR);
    expect(bundled.body).toMatchObject({ year: 2026, origin: 'bundled' });
    expect(bundled.body.holidays).toContain('2026-10-01');

    const list = await get(undefined);
    expect(list.status).toBe(200);
    expect(list.body.years.map((y: { year: number; origin: string }) => `${y.year}:${y.origin}`)).toEqual([
      '2025:bundled',
      '2026:bundled',
      '2027:published',
    ]);
    expect(list.body.stamp).toBe((await loadPublicCalendar()).stamp);
  });

  it('a tenant cannot publish (403); a token is required (401)', async () => {
    const tenant = await put('2027', CAL_2027, TENANT);
    expect(tenant.status).toBe(403);
    expect(tenant.body.error.code).toBe('forbidden');
    const viewer = await put('2027', CAL_2027, { tenantId: 'acme', roles: ['tenant-viewer'] });
    expect(viewer.status).toBe(403);
    const anonymous = (await putCalendar(
      apiEvent({ anonymous: true, path: { year: '2027' }, body: CAL_2027 }),
      ctx,
    )) as Response;
    expect(anonymous.statusCode).toBe(401);
    expect((await get('2027')).body.version).toBe(1);
  });

  it('the same content again is a no-op: no new version, no history row', async () => {
    const again = await put('2027', {
      ...CAL_2027,
      holidays: [...CAL_2027.holidays, '2027-10-01'],
      makeUpWorkdays: [...CAL_2027.makeUpWorkdays].reverse(),
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, changed: false });
    const history = await dynamo().send(
      new QueryCommand({
        TableName: tableName('routing'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
        ExpressionAttributeValues: { ':pk': 'CALENDAR#CN', ':h': 'HISTORY#2027#' },
      }),
    );
    expect(history.Items?.map((i) => i.version)).toEqual([1]);
  });

  it('a correction is a new version; If-Match guards against a stale edit', async () => {
    const corrected = { ...CAL_2027, holidays: [...CAL_2027.holidays, '2027-10-04'] };
    const stale = await put('2027', corrected, OPERATOR, { 'if-match': '"7"' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_mismatch');
    const ok = await put('2027', corrected, OPERATOR, { 'if-match': '"1"' });
    expect(ok.body).toMatchObject({ version: 2, changed: true });
    expect(ok.body.holidays).toContain('2027-10-04');
    // Back to the original content for the tests below.
    expect((await put('2027', CAL_2027)).body).toMatchObject({ version: 3, changed: true });
  });

  it.each([
    ['2027', { ...CAL_2027, holidays: ['2028-01-01'] }, 'holidays.0'],
    ['2027', { ...CAL_2027, makeUpWorkdays: ['2027-10-02'] }, 'makeUpWorkdays.0'],
    ['2027', { ...CAL_2027, holidays: ['2027-13-01'] }, 'holidays.0'],
    ['2027', { ...CAL_2027, holidays: ['1 Oct 2027'] }, 'holidays.0'],
    ['2027', { holidays: CAL_2027.holidays }, 'makeUpWorkdays'],
    ['2027', { ...CAL_2027, extra: true }, 'extra'],
    ['1999', { ...CAL_2027, holidays: ['1999-10-01'], makeUpWorkdays: [] }, 'year'],
    ['20x7', CAL_2027, 'year'],
  ])('PUT %s: a bad body is a 400 naming the field (case %#)', async (year, body, field) => {
    const res = await put(year, body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it('a year neither bundled nor published is a 404', async () => {
    const res = await get('2031');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('calendar_year_not_found');
  });
});

describe('holiday-recompile job', () => {
  const usesCalendar = '4008200001';
  const ownHoursOnly = '4008200002';
  const legacy = '4008200003';
  const draftNewer = '4008200004';

  it('recompiles stale snapshots, writes only the new Connect overrides, and a second run changes nothing', async () => {
    // Applied while only 2025/2026 were known... (publish a 2028 year later to make them stale).
    await applied(usesCalendar);
    await applied(ownHoursOnly, {
      ...ENTERPRISE_INPUT,
      businessHours: { ...ENTERPRISE_INPUT.businessHours, useHolidayCalendar: false },
    });
    await applied(legacy);
    await applied(draftNewer);
    // A draft stored but not applied: the job must keep what is live (version 1).
    await putConfig(
      draftNewer,
      'acme',
      normaliseConfig({ ...ENTERPRISE_INPUT, hunt: { mode: 'sequential', ringTimeoutSeconds: 40 } }),
      '2026-11-25T01:30:00Z',
    );
    // A snapshot written before calendar stamps existed: no stamp, not indexed.
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key: { pk: `ACCESS#${access(legacy)}`, sk: 'SNAPSHOT' },
        UpdateExpression: 'REMOVE calendarStamp, gsi1pk, gsi1sk',
      }),
    );
    const before = await snapshotOf(usesCalendar);
    const oldStamp = before.calendarStamp;
    expect(oldStamp).toBe((await loadPublicCalendar()).stamp);
    expect(before.routing.holidays).toContain('2027-10-01');
    expect((await snapshotOf(ownHoursOnly)).calendarStamp).toBeUndefined();

    // Operators publish 2028.
    const published = await put('2028', {
      holidays: ['2028-01-01', '2028-10-01', '2028-10-02', '2028-10-03'],
      makeUpWorkdays: ['2028-10-07'],
    });
    expect(published.body.changed).toBe(true);
    const stamp = (await loadPublicCalendar()).stamp;
    expect(stamp).not.toBe(oldStamp);

    connect.resetHistory();
    const first = await runJob();
    expect(first).toMatchObject({ stamp, stale: 2, recompiled: 2, failed: 0, remaining: false });
    // The backfill re-applied the two unstamped snapshots once (legacy, and the one not using the calendar).
    expect(first.backfilled).toBe(2);

    for (const n of [usesCalendar, legacy, draftNewer]) {
      const after = await snapshotOf(n);
      expect(after.calendarStamp).toBe(stamp);
      expect(after.routing.holidays).toEqual(
        expect.arrayContaining(['2028-10-01', '2027-10-01', '2026-12-24']),
      );
      expect(after.routing.workdays).toContain('2028-10-07');
    }
    expect((await snapshotOf(draftNewer)).routingVersion).toBe(1);
    const own = await snapshotOf(ownHoursOnly);
    expect(own.calendarStamp).toBeUndefined();
    expect(own.gsi1pk).toBeUndefined();
    expect(own.routing.holidays).not.toContain('2028-10-01');

    // Connect: per number one hours update and exactly the two new 2028 closures; nothing else.
    expect(calls(UpdateHoursOfOperationCommand)).toBe(3);
    const created = connect
      .commandCalls(CreateHoursOfOperationOverrideCommand)
      .map((c) => `${c.args[0].input.EffectiveFrom}..${c.args[0].input.EffectiveTill}`);
    expect(created.sort()).toEqual(
      ['2028-01-01..2028-01-01', '2028-10-01..2028-10-03'].flatMap((r) => [r, r, r]).sort(),
    );
    expect(calls(DeleteHoursOfOperationOverrideCommand)).toBe(0);
    for (const command of NON_HOURS_WRITES) expect(calls(command)).toBe(0);

    connect.resetHistory();
    const second = await runJob();
    expect(second).toMatchObject({ stamp, stale: 0, recompiled: 0, backfilled: 0, connectWrites: 0 });
    expect(connect.calls()).toHaveLength(0);
  });

  it('a change that leaves the closures alone recompiles the snapshots without a Connect write', async () => {
    const moved = await put('2028', {
      holidays: ['2028-01-01', '2028-10-01', '2028-10-02', '2028-10-03'],
      makeUpWorkdays: ['2028-10-08'],
    });
    expect(moved.body).toMatchObject({ version: 2, changed: true });
    connect.resetHistory();
    const run = await runJob();
    expect(run).toMatchObject({ stale: 3, recompiled: 3, connectWrites: 0, failed: 0 });
    const after = await snapshotOf(usesCalendar);
    expect(after.routing.workdays).toContain('2028-10-08');
    expect(after.routing.workdays).not.toContain('2028-10-07');
    expect(calls(UpdateHoursOfOperationCommand)).toBe(0);
    expect(calls(CreateHoursOfOperationOverrideCommand)).toBe(0);
  });

  it('drops a snapshot whose number left the tenant from the index instead of retrying it forever', async () => {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key: { pk: `NUM#${legacy}`, sk: 'NUMBER' },
        UpdateExpression: 'REMOVE tenantId',
      }),
    );
    await put('2028', { holidays: ['2028-01-01', '2028-10-01'], makeUpWorkdays: [] });
    const run = await runJob();
    expect(run).toMatchObject({ stale: 3, recompiled: 2, unindexed: 1, failed: 0 });
    expect((await snapshotOf(legacy)).gsi1pk).toBeUndefined();
    expect((await runJob()).stale).toBe(0);
  });

  it('stops when out of time and the next run carries on', async () => {
    await put('2028', { holidays: ['2028-01-01'], makeUpWorkdays: [] });
    let budget = 1;
    const partial = await recompileHolidaySnapshots({
      at: AT,
      telephony,
      outOfTime: () => budget-- <= 0,
    });
    expect(partial).toMatchObject({ stale: 1, recompiled: 1, remaining: true });
    const rest = await runJob();
    expect(rest).toMatchObject({ stale: 1, recompiled: 1, remaining: false });
    const stamp = (await loadPublicCalendar()).stamp;
    for (const n of [usesCalendar, draftNewer]) expect((await snapshotOf(n)).calendarStamp).toBe(stamp);
  });
});
