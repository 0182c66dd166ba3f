/**
 * Issue 15, hand-over: when a number changes hands (a transfer accepted, a cancellation completed and the
 * quarantine released), the next owner inherits none of the previous owner's routing — no configuration
 * to read, no answer number a call could reach — and the previous owner still reads its own call history.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as listCalls } from '../../functions/api/calls/list.js';
import { handler as decideTransfer } from '../../functions/api/numbers/decide-transfer.js';
import { handler as getMyNumber } from '../../functions/api/numbers/get-mine.js';
import { handler as requestCancellation } from '../../functions/api/numbers/request-cancellation.js';
import { handler as requestTransfer } from '../../functions/api/numbers/request-transfer.js';
import { handler as dailyReport } from '../../functions/api/reports/daily.js';
import { handler as applyRouting } from '../../functions/api/routing/apply.js';
import { handler as getRouting } from '../../functions/api/routing/get.js';
import { handler as putRouting } from '../../functions/api/routing/put.js';
import { handler as routeCallHandler } from '../../functions/connect/route-call.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { decideTransfer as decideTransferCase } from '../../shared/app/numbers/decide-transfer.js';
import { tableName } from '../../shared/config.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import type { RoutingConfigInput } from '../../shared/domain/routing/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import {
  completeCancellations,
  numbersDeps,
  releaseQuarantine,
  retryNumberEffects,
} from '../../shared/runtime/numbers.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { callReader } from '../../shared/runtime/route-call.js';
import { routingStores } from '../../shared/runtime/routing.js';
import type { EventOptions } from '../support/api-events.js';
import { lambdaContext } from '../support/api-events.js';
import { useInlineRoutingApply } from '../support/inline-workers.js';
import { setBalance } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { HEALTHY_ACCOUNT } from '../unit/routing-fixtures.js';
import {
  activateNumber,
  callApi,
  type Handler,
  importNumbers,
  qualifyForTransfer,
} from './numbers-support.js';

const FLOW_EVENT = JSON.parse(
  readFileSync('/work/shared/handbook/fixtures/connect-flow-event.json', 'utf8'),
) as ConnectContactFlowEvent;

const DAY = 86_400_000;
/** Wednesday 2026-11-25, 10:00 in Shanghai. */
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/** The previous owner's private mobile: every call during business hours rings it. */
const PRIVATE_MOBILE = '13910001234';
const WORKDAY = [{ open: '00:00', close: '23:59' }];
const PREVIOUS_OWNERS_ROUTING: RoutingConfigInput = {
  answerNumbers: [{ id: 'mobile', number: PRIVATE_MOBILE }],
  queues: [],
  hunt: { mode: 'sequential', ringTimeoutSeconds: 20 },
  businessHours: {
    weekly: {
      mon: WORKDAY,
      tue: WORKDAY,
      wed: WORKDAY,
      thu: WORKDAY,
      fri: WORKDAY,
      sat: WORKDAY,
      sun: WORKDAY,
    },
    useHolidayCalendar: false,
    extraHolidays: [],
  },
  afterHours: { type: 'message', prompt: { text: { 'zh-CN': '下班了' } }, voicemail: false },
  defaultDestination: { type: 'number', answerNumberId: 'mobile' },
  menus: {},
  regionRules: [],
  recording: { enabled: false },
  blacklist: ['+8613800000000'],
  vip: ['+8618600000000'],
  vipDestination: { type: 'number', answerNumberId: 'mobile' },
};

let db: TestDatabase;
let docs: LocalDocuments;

const as = (tenantId: string, h: Handler, at: number, options: EventOptions = {}) =>
  callApi(h, { tenantId, roles: ['tenant-admin'], at: new Date(T0 + at), ...options });

/** One step of a call to `accessNumber` from `caller`, through the deployed route-call handler. */
async function call(accessNumber: string, at: number, caller = '+862161234567') {
  const event = structuredClone(FLOW_EVENT);
  event.Details.Parameters = { step: 'start' };
  (event.Details.ContactData.CustomerEndpoint as { Address: string }).Address = caller;
  (event.Details.ContactData.SystemEndpoint as { Address: string }).Address = accessNumber;
  callReader.clear();
  useClock(new TestClock(new Date(T0 + at)));
  return (await routeCallHandler(event, lambdaContext)) as Record<string, string>;
}

/**
 * A former owner reads the number's history of its own tenure (`status: "former"`, its periods and its own
 * history rows) and nothing of the number now: not its status, access number or anything the next owner
 * did. A number it never held stays the plain 404.
 */
async function expectFormerOwnerView(
  former: string,
  next: string,
  number: string,
  at: number,
  tenure: { from: string; to: string }[],
) {
  const read = await as(former, getMyNumber, at, { path: { number } });
  expect(read.status).toBe(200);
  expect(read.body).toEqual({
    number,
    segment: '4007',
    tier: expect.any(String),
    status: 'former',
    tenure,
    history: expect.any(Array),
  });
  const history = read.body.history as { command: string; actor: string }[];
  expect(history.map((h) => h.command)).toContain('activate');
  const accessNumber = (await getNumberItem(number))?.accessNumber as string;
  expect(JSON.stringify(read.body)).not.toContain(accessNumber);
  // The next owner's own rows never show (a transfer's acceptance names the tenant the former owner chose).
  expect(history.filter((h) => h.actor === next && h.command !== 'accept_transfer')).toEqual([]);
  const neverHeld = await as(former, getMyNumber, at, { path: { number: '4007399999' } });
  expect(neverHeld.status).toBe(404);
  expect(neverHeld.body).toEqual({
    error: { code: 'number_not_found', message: 'no such number among yours' },
  });
  // The next owner reads it as its own.
  const own = await as(next, getMyNumber, at, { path: { number } });
  expect(own.status).toBe(200);
  expect(own.body).toMatchObject({ number, status: 'active', accessNumber });
}

const reachesPrivateMobile = (decision: Record<string, string>) =>
  Object.values(decision).some((value) => value.includes(PRIVATE_MOBILE));

/** Tops the tenant's account up (the call decision refuses a tenant without balance). */
async function fundAccount(tenantId: string) {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
      UpdateExpression: 'SET balance = :balance, #status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':balance': HEALTHY_ACCOUNT.balance, ':active': 'active' },
    }),
  );
}

/** A past call of `tenantId` on `number`, as ingest records it (calls index by number and time). */
async function recordCall(tenantId: string, number: string, at: number) {
  const contactId = `c-${number}-${tenantId}`;
  const startedAt = iso(at);
  await dynamo().send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: {
        pk: `CALL#${contactId}`,
        sk: 'CALL',
        type: 'call',
        gsi2pk: `CALLS#${tenantId}#${number}`,
        gsi2sk: `${startedAt}#${contactId}`,
        contactId,
        tenantId,
        number,
        caller: '+862161234567',
        answerNumber: `+86${PRIVATE_MOBILE}`,
        startedAt,
        answeredAt: startedAt,
        endedAt: iso(at + 60_000),
        durationSeconds: 60,
        billedSeconds: 60,
        charge: 10,
        missed: false,
      },
    }),
  );
  return contactId;
}

async function routingItems(number: string) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('routing'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `NUM#${number}` },
    }),
  );
  return (out.Items ?? []).map((item) => item.sk);
}

const snapshotOf = (accessNumber: string) => routingStores.routing.snapshot(accessNumber);

/** The previous owner configures and applies its routing, and a call then rings its private mobile. */
async function configureAndApply(tenantId: string, number: string, at: number) {
  const put = await as(tenantId, putRouting, at, {
    path: { number },
    body: PREVIOUS_OWNERS_ROUTING,
  });
  expect(put.status).toBe(200);
  expect(
    (await as(tenantId, putRouting, at, { path: { number }, body: PREVIOUS_OWNERS_ROUTING })).status,
  ).toBe(200);
  const applied = await as(tenantId, applyRouting, at, { path: { number } });
  expect(applied.status).toBe(202);
  expect(applied.body.status).toBe('applied');
  const accessNumber = (await getNumberItem(number))?.accessNumber as string;
  expect(accessNumber).toBeTruthy();
  expect(reachesPrivateMobile(await call(accessNumber, at))).toBe(true);
  expect(await routingItems(number)).toEqual(
    expect.arrayContaining(['APPLIED', 'CONFIG', 'CONFIG#V000001', 'CONFIG#V000002']),
  );
  return accessNumber;
}

/** What the next owner sees: no configuration, nothing stored, and calls that ring nobody of the old owner. */
async function expectNothingInherited(next: string, number: string, accessNumber: string, at: number) {
  const read = await as(next, getRouting, at, { path: { number } });
  expect(read.status).toBe(404);
  expect(read.body.error.code).toBe('routing_not_found');
  expect(JSON.stringify(read.body)).not.toContain(PRIVATE_MOBILE);
  expect(await routingItems(number)).toEqual([]);
  const snapshot = await snapshotOf(accessNumber);
  expect(JSON.stringify(snapshot ?? {})).not.toContain(PRIVATE_MOBILE);
  expect(snapshot).not.toHaveProperty('routing');
  for (const caller of ['+862161234567', '+8613800000000', '+8618600000000']) {
    expect(reachesPrivateMobile(await call(accessNumber, at, caller))).toBe(false);
  }
  // Nothing to apply either: the next owner's Connect is built from its own configuration only.
  expect((await as(next, applyRouting, at, { path: { number } })).status).toBe(409);
}

// Applies run in their worker at once, as on npm start.
useInlineRoutingApply();

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-hand-over-')));
  await importNumbers(['4007310001', '4007310002', '4007310003'], iso(0), config);
  // Offers go only to tenants with an account.
  await setBalance('bravo', 0);
});
beforeEach(() => {
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  useLocalNotifier();
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

describe('hand-over of a number', () => {
  it('after a transfer, the new owner inherits no routing and calls never ring the old owner', async () => {
    const number = '4007310001';
    await activateNumber(number, 'alpha', iso(0), config, docs);
    await fundAccount('alpha');
    const accessNumber = await configureAndApply('alpha', number, 0);
    const pastCall = await recordCall('alpha', number, DAY);

    const offered = await as('alpha', requestTransfer, 2 * DAY, {
      path: { number },
      body: { toTenantId: 'bravo' },
    });
    expect(offered.status).toBe(202);
    const qualification = await qualifyForTransfer(number, 'bravo', iso(2 * DAY), config, docs);
    const accepted = await as('bravo', decideTransfer, 3 * DAY, {
      path: { number },
      body: { decision: 'accept', qualificationApplicationId: qualification.applicationId },
    });
    expect(accepted.status).toBe(200);
    await fundAccount('bravo');
    expect(await getNumberItem(number)).toMatchObject({ tenantId: 'bravo', accessNumber });

    await expectNothingInherited('bravo', number, accessNumber, 3 * DAY);
    await expectFormerOwnerView('alpha', 'bravo', number, 3 * DAY, [{ from: iso(0), to: iso(3 * DAY) }]);
    // A routed call now answers "not configured yet" for the new owner, not the old owner's phone.
    expect(await call(accessNumber, 3 * DAY)).toMatchObject({
      tenantId: 'bravo',
      reason: 'routing_not_applied',
    });

    // The previous owner keeps its own history; the new owner does not see it.
    const range = { from: iso(0), to: iso(3 * DAY) };
    const alphaCalls = await as('alpha', listCalls, 3 * DAY, { query: { number, ...range } });
    expect(alphaCalls.status).toBe(200);
    expect(alphaCalls.body.items.map((c: { contactId: string }) => c.contactId)).toEqual([pastCall]);
    const bravoCalls = await as('bravo', listCalls, 3 * DAY, { query: { number, ...range } });
    expect(bravoCalls.body.items).toEqual([]);
    // And its report of the days it held the number: its one call and its charge; the new owner's is empty.
    const days = { number, from: '2026-11-25', to: '2026-11-28' };
    const alphaReport = await as('alpha', dailyReport, 3 * DAY, { query: days });
    expect(alphaReport.status).toBe(200);
    expect(alphaReport.body.totals).toMatchObject({ calls: 1, answered: 1 });
    const bravoReport = await as('bravo', dailyReport, 3 * DAY, { query: days });
    expect(bravoReport.body.totals).toMatchObject({ calls: 0, charge: 0 });

    // The new owner's own configuration works as for any number.
    expect(
      (await as('bravo', putRouting, 3 * DAY, { path: { number }, body: PREVIOUS_OWNERS_ROUTING })).status,
    ).toBe(200);
    const own = await as('bravo', getRouting, 3 * DAY, { path: { number } });
    expect(own.body).toMatchObject({ version: 1, applied: null });
  });

  it('after cancellation, quarantine and release, the next owner inherits no routing', async () => {
    const number = '4007310002';
    await activateNumber(number, 'alpha', iso(0), config, docs);
    await fundAccount('alpha');
    const accessNumber = await configureAndApply('alpha', number, 0);
    const pastCall = await recordCall('alpha', number, DAY);

    const cancelled = await as('alpha', requestCancellation, 2 * DAY, { path: { number } });
    expect(cancelled.status).toBeLessThan(300);
    const noticeEnds = 2 * DAY + config.cancellationNoticeDays * DAY;
    await completeCancellations(iso(noticeEnds));
    expect(await getNumberItem(number)).toMatchObject({ status: 'quarantined' });
    // Cleared as the tenure ended: nothing waits for the quarantine to run out.
    expect(await routingItems(number)).toEqual([]);
    expect(await snapshotOf(accessNumber)).not.toHaveProperty('routing');
    expect(reachesPrivateMobile(await call(accessNumber, noticeEnds))).toBe(false);

    const released = noticeEnds + config.quarantineDays * DAY;
    await releaseQuarantine(iso(released));
    expect(await getNumberItem(number)).toMatchObject({ status: 'available' });

    // Months later: upload links signed and used at that time.
    const laterDocs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-hand-over-')));
    usePorts({ documents: laterDocs });
    await activateNumber(number, 'charlie', iso(released), config, laterDocs);
    await fundAccount('charlie');
    const reactivated = (await getNumberItem(number))?.accessNumber as string;
    await expectNothingInherited('charlie', number, reactivated, released);
    await expectFormerOwnerView('alpha', 'charlie', number, released, [
      { from: iso(0), to: iso(noticeEnds) },
    ]);
    if (reactivated !== accessNumber) {
      expect(reachesPrivateMobile(await call(accessNumber, released))).toBe(false);
    }

    const range = { from: iso(0), to: iso(released) };
    const alphaCalls = await as('alpha', listCalls, released, { query: { number, ...range } });
    expect(alphaCalls.body.items.map((c: { contactId: string }) => c.contactId)).toEqual([pastCall]);
    expect((await as('charlie', listCalls, released, { query: { number, ...range } })).body.items).toEqual(
      [],
    );
  });

  it('while the clearing waits for a retry, calls and reads already ignore the old owner’s routing', async () => {
    const number = '4007310003';
    await activateNumber(number, 'alpha', iso(0), config, docs);
    await fundAccount('alpha');
    const accessNumber = await configureAndApply('alpha', number, 0);
    await as('alpha', requestTransfer, DAY, { path: { number }, body: { toTenantId: 'bravo' } });
    // The routing table is out of reach when the transfer commits: the effect stays pending.
    const unreachable = numbersDeps({
      routingHandOver: {
        clear: async () => {
          throw new Error('routing table unavailable');
        },
      },
    });
    const qualification = await qualifyForTransfer(number, 'bravo', iso(DAY), config, docs);
    await decideTransferCase(unreachable, number, 'bravo', 'accept', iso(2 * DAY), {
      qualificationApplicationId: qualification.applicationId,
    });
    await fundAccount('bravo');
    expect(await routingItems(number)).toContain('CONFIG');
    expect(await snapshotOf(accessNumber)).toMatchObject({ tenantId: 'bravo', routingTenantId: 'alpha' });
    // Neither the new owner's reads nor a call use what is still stored.
    expect((await as('bravo', getRouting, 2 * DAY, { path: { number } })).status).toBe(404);
    expect(await call(accessNumber, 2 * DAY)).toMatchObject({
      tenantId: 'bravo',
      reason: 'routing_not_applied',
    });
    expect(reachesPrivateMobile(await call(accessNumber, 2 * DAY, '+8618600000000'))).toBe(false);
    // The number-effects job carries the clearing out once it is due.
    await retryNumberEffects(iso(3 * DAY));
    await expectNothingInherited('bravo', number, accessNumber, 3 * DAY);
    await expectFormerOwnerView('alpha', 'bravo', number, 3 * DAY, [{ from: iso(0), to: iso(2 * DAY) }]);
  });
});
