/**
 * The daily tariff job gives rate steps to routing snapshots written before steps were kept (issue 13's
 * remainder), even when no per-minute price changed; snapshots that have steps are not rewritten, and a
 * cleared (handed-over) snapshot is left alone. Once a run left none without steps it records so beside the
 * snapshots, and the next runs scan nothing (requests counted through the fault proxy); a routing table
 * restored from before that record is scanned again, and its stepless snapshot gets its steps.
 *
 * By hand: a version already in force (announced before this test, so not pending) raised 4008 payg long
 * distance 30 → 36 from 1 November 2026. At the job's instant the tariff's dearest minute is therefore
 * 36 + recording 2 = 38 fen (was 30 + 2 = 32 under the default tariff). A 4008 number that records costs at
 * worst 36 + 2 = 38 a minute; a 4007 number without recording costs at worst 20 (4007 payg long distance,
 * unchanged). A stepless snapshot refuses at the default tariff's 32 until the job runs, then at 38.
 */
import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as routeCallHandler } from '../../functions/connect/route-call.js';
import { dynamoTariffs } from '../../shared/adapters/dynamo/billing-tariffs.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoRoutingStore } from '../../shared/adapters/dynamo/routing-store.js';
import { tableName } from '../../shared/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import { billingJobs } from '../../shared/runtime/billing-jobs.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { callReader } from '../../shared/runtime/route-call.js';
import { useTariffStore } from '../../shared/runtime/tariffs.js';
import { lambdaContext } from '../support/api-events.js';
import { type FaultProxy, routeDynamoThrough, startFaultProxy } from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { ENTERPRISE_INPUT, HEALTHY_ACCOUNT, snapshotOf, WED_10AM } from '../unit/routing-fixtures.js';

/** The job at 02:00 Shanghai on Wednesday 25 November 2026. */
const JOB_AT = '2026-11-24T18:00:00.000Z';
const MISSING = '+6531580001'; // 4008, records: no rateSteps attribute at all
const EMPTY = '+6531580002'; // 4007, no recording: rateSteps stored as []
const STEPPED = '+6531580003';
const CLEARED = '+6531580004';
/** Deliberately not what the tariff says now, so a rewrite would show. */
const OLD_STEPS = [{ from: '2026-10-20T00:00:00.000Z', worstRatePerMinute: 32, refusalRatePerMinute: 32 }];

let db: TestDatabase;
let proxy: FaultProxy;
let restoreDynamo: () => void;
/** The backfill's record on the routing table. */
const RECORD_KEY = { pk: 'BACKFILL#rate-steps', sk: 'RECORD' };
/** The DynamoDB operations the job sent, in order (the proxy's log since the last clear). */
const operations = () => proxy.seen.map((r) => r.operation);

const snapshotKey = (access: string) => ({ pk: `ACCESS#${access}`, sk: 'SNAPSHOT' });
const put = (table: 'routing' | 'ledger', item: Record<string, unknown>) =>
  dynamo().send(new PutCommand({ TableName: tableName(table), Item: item }));
const stored = async (access: string) =>
  (await dynamo().send(new GetCommand({ TableName: tableName('routing'), Key: snapshotKey(access) }))).Item;

const FLOW_EVENT = JSON.parse(
  readFileSync('/work/shared/handbook/fixtures/connect-flow-event.json', 'utf8'),
) as ConnectContactFlowEvent;

/** route-call as deployed, for a call to `access` at `at` (its cache cleared: the snapshot is read anew). */
async function routeCall(access: string, at: Date) {
  callReader.clear();
  useClock(new TestClock(at));
  const event = structuredClone(FLOW_EVENT);
  event.Details.Parameters = { step: 'start' };
  (event.Details.ContactData.CustomerEndpoint as { Address: string }).Address = '+862161234567';
  (event.Details.ContactData.SystemEndpoint as { Address: string }).Address = access;
  return routeCallHandler(event, lambdaContext);
}

beforeAll(async () => {
  db = await startTestDatabase();
  proxy = await startFaultProxy(db.endpoint);
  restoreDynamo = routeDynamoThrough(proxy);
  useTariffStore();
  usePorts({ notifications: { publish: async () => ({ messageId: 'n' }) } });
  const version = {
    planId: 'payg',
    effectiveFrom: '2026-11-01',
    rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
    description: '',
    scheduledAt: '2026-09-20T00:00:00Z',
  };
  await dynamoTariffs.create(version, 'op');
  // Announced long ago: the job has nothing pending, so no per-minute price changes this run.
  await dynamoTariffs.markNotified(version, '2026-09-21T00:00:00Z', 0);
  const base = { type: 'routingSnapshot', worstRatePerMinute: 32 };
  await put('routing', { ...snapshotKey(MISSING), ...base, ...snapshotOf() });
  await put('routing', {
    ...snapshotKey(EMPTY),
    ...base,
    ...snapshotOf(
      { ...ENTERPRISE_INPUT, recording: { enabled: false } },
      { number400: '4007123456', worstRatePerMinute: 20 },
    ),
    rateSteps: [],
  });
  await put('routing', { ...snapshotKey(STEPPED), ...base, ...snapshotOf(), rateSteps: OLD_STEPS });
  // Handed over: the previous owner's routing and rates were removed, the number's facts stay.
  await put('routing', {
    ...snapshotKey(CLEARED),
    type: 'routingSnapshot',
    number400: '4008654321',
    tenantId: 'acme',
    numberStatus: 'active',
  });
  // 35 fen pays a 32-fen minute but not a 38-fen one.
  await put('ledger', {
    pk: 'ACCT#acme',
    sk: 'ACCOUNT',
    type: 'account',
    tenantId: 'acme',
    ...HEALTHY_ACCOUNT,
    balance: 35,
  });
});

afterAll(async () => {
  resetPorts();
  useTariffStore();
  restoreDynamo();
  await proxy.close();
  await db.stop();
});

describe('the daily tariff job gives rate steps to snapshots without them', () => {
  it('before the job, a stepless snapshot refuses at the default tariff’s 32 fen: 35 fen buys a minute', async () => {
    expect(await routeCall(MISSING, WED_10AM)).toMatchObject({ action: 'menu', maxDurationSeconds: '60' });
  });

  it('writes the steps of the tariffs in force from its instant on, and reports how many it gave', async () => {
    proxy.clear();
    const result = await billingJobs.applyTariffVersions(JOB_AT);
    // It scanned the routing table for them, and recorded that none is left without steps.
    expect(operations()).toContain('Scan');
    expect(
      (await dynamo().send(new GetCommand({ TableName: tableName('routing'), Key: RECORD_KEY }))).Item,
    ).toEqual({ ...RECORD_KEY, type: 'rateStepsBackfill', format: 1, at: JOB_AT });
    expect(result).toEqual({
      versions: 0,
      contractsUpdated: 0,
      tenantsNotified: 0,
      snapshotsRerated: 2,
      snapshotsGivenRateSteps: 2,
      rateStepsScanSkipped: false,
    });
    expect(await stored(MISSING)).toMatchObject({
      worstRatePerMinute: 38,
      rateSteps: [{ from: JOB_AT, worstRatePerMinute: 38, refusalRatePerMinute: 38 }],
    });
    expect(await stored(EMPTY)).toMatchObject({
      worstRatePerMinute: 20,
      rateSteps: [{ from: JOB_AT, worstRatePerMinute: 20, refusalRatePerMinute: 38 }],
    });
  });

  it('leaves a snapshot that has steps, and a cleared one, as they were', async () => {
    expect(await stored(STEPPED)).toMatchObject({ worstRatePerMinute: 32, rateSteps: OLD_STEPS });
    expect(await stored(CLEARED)).toEqual({
      ...snapshotKey(CLEARED),
      type: 'routingSnapshot',
      number400: '4008654321',
      tenantId: 'acme',
      numberStatus: 'active',
    });
  });

  it('after the job, call setup refuses at the new steps’ 38 fen', async () => {
    expect(await routeCall(MISSING, WED_10AM)).toMatchObject({
      action: 'message',
      reason: 'insufficient_balance',
    });
  });

  it('the next day’s run reads the record, scans nothing and rewrites nothing', async () => {
    const before = await stored(MISSING);
    proxy.clear();
    const again = await billingJobs.applyTariffVersions('2026-11-25T18:00:00.000Z');
    expect(again).toMatchObject({
      snapshotsRerated: 0,
      snapshotsGivenRateSteps: 0,
      rateStepsScanSkipped: true,
    });
    // The pending tariff versions' query and the record's read: no Scan, no write.
    expect(operations()).not.toContain('Scan');
    expect(proxy.seen.filter((r) => r.operation === 'GetItem').map((r) => r.body.Key)).toEqual([
      { pk: { S: 'BACKFILL#rate-steps' }, sk: { S: 'RECORD' } },
    ]);
    expect(operations().filter((o) => /Put|Update|Write|Delete/.test(o))).toEqual([]);
    expect(await stored(MISSING)).toEqual(before);
    expect(await stored(STEPPED)).toMatchObject({ rateSteps: OLD_STEPS });
  });

  it('a routing table restored from before the record is scanned again: its stepless snapshot gets steps', async () => {
    const restoredAccess = '+6531580005';
    await dynamo().send(new DeleteCommand({ TableName: tableName('routing'), Key: RECORD_KEY }));
    await put('routing', {
      ...snapshotKey(restoredAccess),
      type: 'routingSnapshot',
      worstRatePerMinute: 32,
      ...snapshotOf(),
    });
    proxy.clear();
    const day = '2026-11-26T18:00:00.000Z';
    expect(await billingJobs.applyTariffVersions(day)).toMatchObject({
      snapshotsRerated: 1,
      rateStepsScanSkipped: false,
      snapshotsGivenRateSteps: 1,
    });
    expect(operations()).toContain('Scan');
    expect(await stored(restoredAccess)).toMatchObject({
      worstRatePerMinute: 38,
      rateSteps: [{ from: day, worstRatePerMinute: 38, refusalRatePerMinute: 38 }],
    });
    proxy.clear();
    await billingJobs.applyTariffVersions('2026-11-27T18:00:00.000Z');
    expect(operations()).not.toContain('Scan');
  });

  it('the store writes steps on condition the snapshot still lacks them and still carries routing', async () => {
    const routing = new DynamoRoutingStore();
    const rates = {
      worstRatePerMinute: 1,
      rateSteps: [{ from: JOB_AT, worstRatePerMinute: 1, refusalRatePerMinute: 1 }],
    };
    // An apply wrote steps since the scan: they stay.
    expect(await routing.writeSnapshotRates(STEPPED, rates, { onlyIfLackingSteps: true })).toBe(false);
    expect(await stored(STEPPED)).toMatchObject({ worstRatePerMinute: 32, rateSteps: OLD_STEPS });
    expect(await routing.writeSnapshotRates(CLEARED, rates, { onlyIfLackingSteps: true })).toBe(false);
    expect(await stored(CLEARED)).not.toHaveProperty('rateSteps');
  });
});
