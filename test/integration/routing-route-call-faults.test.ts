/**
 * Faults met by route-call's reader on the path it runs in Lambda: the deployed handler, its signed
 * reads over a keep-alive agent, and an HTTP fault proxy between them and the embedded engine. The
 * documented behaviour (README, "Routing"): under a deadline, with a safe fallback, never an error to
 * Connect. A failed read serves the warm cache when it holds the number, else the fallback decision; no
 * retries (the next call reads again).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { type Fault, type FaultProxy, routeDynamoThrough, startFaultProxy } from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { HEALTHY_ACCOUNT, snapshotOf, WED_10AM } from '../unit/routing-fixtures.js';

const ACCESS = '+6531580001';
const DEADLINE_MS = 150;

let db: TestDatabase;
let proxy: FaultProxy;
let restore: () => void;
let handler: typeof import('../../functions/connect/route-call.js').handler;
let reader: typeof import('../../shared/runtime/route-call.js').callReader;

function flowEvent(access = ACCESS): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        ContactId: 'c-faults',
        InstanceARN: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i-1',
        CustomerEndpoint: { Address: '+862161234567', Type: 'TELEPHONE_NUMBER' },
        SystemEndpoint: { Address: access, Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: { step: 'start' },
    },
  } as unknown as ConnectContactFlowEvent;
}

async function call(access = ACCESS) {
  useClock(new TestClock(WED_10AM));
  const started = performance.now();
  const decision = await handler(flowEvent(access), lambdaContext);
  return { decision, ms: performance.now() - started };
}

const FALLBACK = { action: 'message', reason: 'service_busy', fallback: 'true' };
const ROUTED = { action: 'menu', menuId: 'main', tenantId: 'acme' };
const FAULTS: [string, Fault][] = [
  ['a connection reset', 'reset'],
  ['a 500', 500],
  ['a 503', 503],
  ['throttling (ProvisionedThroughputExceeded)', 'throttle'],
  ['the deadline', { delayMs: 1_000 }],
];

beforeAll(async () => {
  db = await startTestDatabase();
  proxy = await startFaultProxy(db.endpoint);
  restore = routeDynamoThrough(proxy);
  // Read when the handler's module loads: a short deadline, and no cache ageing in the way of the faults
  // (every call reads; what a failed read serves is the last value read).
  process.env.ROUTE_CALL_DEADLINE_MS = String(DEADLINE_MS);
  process.env.ROUTE_CALL_SNAPSHOT_TTL_MS = '0';
  process.env.ROUTE_CALL_ACCOUNT_TTL_MS = '0';
  ({ handler } = await import('../../functions/connect/route-call.js'));
  ({ callReader: reader } = await import('../../shared/runtime/route-call.js'));
  await dynamo().send(
    new PutCommand({
      TableName: tableName('routing'),
      Item: { pk: `ACCESS#${ACCESS}`, sk: 'SNAPSHOT', type: 'routingSnapshot', ...snapshotOf() },
    }),
  );
  await dynamo().send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: { pk: 'ACCT#acme', sk: 'ACCOUNT', type: 'account', tenantId: 'acme', ...HEALTHY_ACCOUNT },
    }),
  );
});
afterAll(async () => {
  resetPorts();
  restore();
  await proxy.close();
  await db.stop();
});
beforeEach(() => {
  reader.clear();
  proxy.clear();
});

describe('route-call reader faults, between the deployed handler and the engine', () => {
  it('routes through the proxy when nothing fails (the path under test is the real one)', async () => {
    const { decision } = await call();
    expect(decision).toMatchObject(ROUTED);
    expect(proxy.seen.map((r) => r.operation)).toEqual(['GetItem', 'GetItem']);
    expect(proxy.seen[0]?.body).toMatchObject({
      TableName: tableName('routing'),
      Key: { pk: { S: `ACCESS#${ACCESS}` }, sk: { S: 'SNAPSHOT' } },
    });
  });

  for (const [name, fault] of FAULTS) {
    it(`answers the fallback decision on ${name} with nothing cached, once, within the deadline`, async () => {
      proxy.plan('*', fault);
      const { decision, ms } = await call();
      expect(decision).toEqual(expect.objectContaining(FALLBACK));
      for (const value of Object.values(decision)) expect(typeof value).toBe('string');
      // No retry: one request met the fault, and the answer came by the deadline (plus scheduling slack).
      expect(proxy.seen).toHaveLength(1);
      expect(ms).toBeLessThan(DEADLINE_MS + 400);
    });

    it(`serves the last snapshot and account read on ${name} (stale beats silence)`, async () => {
      expect((await call()).decision).toMatchObject(ROUTED);
      proxy.clear();
      proxy.plan('*', fault);
      const { decision } = await call();
      expect(decision).toMatchObject(ROUTED);
      expect(decision.fallback).toBeUndefined();
      // The tenant was known from the expired entry: both items in one BatchGetItem, which met the fault.
      expect(proxy.seen.map((r) => r.operation)).toEqual(['BatchGetItem']);
    });
  }

  it('reads normally on the next call once the fault has passed (no socket or agent left broken)', async () => {
    proxy.plan('*', 'reset', { delayMs: 1_000 }, 503);
    for (let i = 0; i < 3; i++) expect((await call()).decision).toMatchObject(FALLBACK);
    const { decision } = await call();
    expect(decision).toMatchObject(ROUTED);
  });

  it('answers an unknown number as unknown, not as a fault', async () => {
    const { decision } = await call('+6599999999');
    expect(decision).toMatchObject({ action: 'message', reason: 'unknown_number' });
  });
});
