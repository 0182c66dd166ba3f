import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/connect/route-call.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { CallReader } from '../../shared/adapters/dynamo/routing-call-reader.js';
import { itemReadsFromEnv, signedItemReads } from '../../shared/adapters/dynamo/routing-call-reads.js';
import { tableName } from '../../shared/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { callReader as reader } from '../../shared/runtime/route-call.js';
import { lambdaContext } from '../support/api-events.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { HEALTHY_ACCOUNT, snapshotOf, WED_8PM, WED_10AM } from '../unit/routing-fixtures.js';

const FIXTURE = JSON.parse(
  readFileSync('/work/shared/handbook/fixtures/connect-flow-event.json', 'utf8'),
) as ConnectContactFlowEvent;
const ACCESS = '+6531580001';

function flowEvent(
  params: Record<string, string> = { step: 'start' },
  caller = '+862161234567',
  access = ACCESS,
) {
  const event = structuredClone(FIXTURE);
  event.Details.Parameters = params;
  (event.Details.ContactData.CustomerEndpoint as { Address: string }).Address = caller;
  (event.Details.ContactData.SystemEndpoint as { Address: string }).Address = access;
  return event;
}

let db: TestDatabase;

/** The deployed handler, at the instant `at` of the clock in force. */
async function routeCall(event: ConnectContactFlowEvent, at: Date) {
  useClock(new TestClock(at));
  return handler(event, lambdaContext);
}

async function put(table: 'routing' | 'ledger', item: Record<string, unknown>) {
  await dynamo().send(new PutCommand({ TableName: tableName(table), Item: item }));
}

async function seed(snapshot = snapshotOf(), account: Record<string, unknown> = { ...HEALTHY_ACCOUNT }) {
  await put('routing', { pk: `ACCESS#${ACCESS}`, sk: 'SNAPSHOT', type: 'routingSnapshot', ...snapshot });
  await put('ledger', { pk: 'ACCT#acme', sk: 'ACCOUNT', type: 'account', tenantId: 'acme', ...account });
}

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
beforeEach(() => reader.clear());

describe('route-call against the local engine', () => {
  it('routes the handbook flow event: snapshot + account read, decision a flat string map', async () => {
    await seed();
    const decision = await routeCall(flowEvent(), WED_10AM);
    expect(decision).toMatchObject({
      action: 'menu',
      menuId: 'main',
      tenantId: 'acme',
      number400: '4008123456',
    });
    for (const v of Object.values(decision)) expect(typeof v).toBe('string');
  });

  it('answers an unknown access number with its own message', async () => {
    const decision = await routeCall(flowEvent({ step: 'start' }, '+862161234567', '+6599999999'), WED_10AM);
    expect(decision).toMatchObject({ action: 'message', reason: 'unknown_number' });
  });

  it('refuses an arrears tenant read from the real account item', async () => {
    await seed(snapshotOf(), { ...HEALTHY_ACCOUNT, status: 'arrears', balance: -100 });
    expect((await routeCall(flowEvent(), WED_10AM)).reason).toBe('arrears');
  });

  it('refuses a tenant that has no account item: nothing was ever paid in, so nothing pays a minute', async () => {
    // A transfer recipient's qualification takes no fee, so it can hold an active number without ever
    // having paid. A missing account is an empty one (as /v1/account shows it), never an unreadable one,
    // which would allow every call 10 minutes unpaid until its first charge put the tenant in arrears.
    const snapshot = { ...snapshotOf(), tenantId: 'never-paid' };
    await put('routing', { pk: `ACCESS#${ACCESS}`, sk: 'SNAPSHOT', type: 'routingSnapshot', ...snapshot });
    const decision = await routeCall(flowEvent(), WED_10AM);
    expect(decision).toMatchObject({ action: 'message', maxDurationSeconds: '' });
    expect(['arrears', 'insufficient_balance']).toContain(decision.reason);
  });

  it('after hours, from the stored snapshot', async () => {
    await seed();
    expect((await routeCall(flowEvent(), WED_8PM)).reason).toBe('after_hours');
  });

  it('reads the database at most once per call on average when warm, and batches when the cache expired', async () => {
    await seed();
    let clock = 1_000_000;
    const counted = new CallReader({
      reads: itemReadsFromEnv(),
      routingTable: () => tableName('routing'),
      ledgerTable: () => tableName('ledger'),
      elapsed: () => clock,
    });
    const first = await counted.read(ACCESS);
    expect(first.requests).toBe(2); // cold: snapshot, then the account it names
    for (let i = 0; i < 50; i++) {
      clock += 200;
      await counted.read(ACCESS);
    }
    expect(counted.requestCount / 51).toBeLessThanOrEqual(1);
    clock += 60_000; // both expired, tenant known: one BatchGetItem
    const refreshed = await counted.read(ACCESS);
    expect(refreshed.requests).toBe(1);
    expect(refreshed.account?.balance).toBe(HEALTHY_ACCOUNT.balance);
  });

  it('falls back when DynamoDB is slower than the deadline, using stale entries when it has them', async () => {
    await seed();
    const proxy: FaultProxy = await startFaultProxy(db.endpoint);
    let clock = 0;
    const slow = new CallReader({
      reads: signedItemReads({
        region: 'local',
        endpoint: proxy.endpoint,
        credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      }),
      routingTable: () => tableName('routing'),
      ledgerTable: () => tableName('ledger'),
      deadlineMs: 50,
      elapsed: () => clock,
    });
    try {
      proxy.rule(() => ({ delayMs: 300 }));
      const cold = await slow.read(ACCESS);
      expect(cold).toMatchObject({ timedOut: true, failed: true, snapshot: undefined });
      proxy.rule(undefined);
      await slow.read(ACCESS);
      clock += 120_000;
      proxy.rule(() => ({ delayMs: 300 }));
      const stale = await slow.read(ACCESS);
      expect(stale).toMatchObject({ timedOut: true, stale: true });
      expect(stale.snapshot?.tenantId).toBe('acme');
    } finally {
      await proxy.close();
    }
  });

  it('never throws, even for a malformed event', async () => {
    for (const event of [undefined, {}, { Details: null }, { Details: { ContactData: {} } }]) {
      const decision = await routeCall(event as unknown as ConnectContactFlowEvent, WED_10AM);
      expect(decision.action).toBe('message');
    }
  });
});
