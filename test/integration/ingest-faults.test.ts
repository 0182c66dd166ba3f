/**
 * Fault tests of the contact-record pipeline through the local stream and the real ctr-ingest handler:
 * a poison record, injected throttling, a crash between writes, concurrent charges on a thin balance,
 * and alerts once per crossing with a failed publish retried.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processContactRecords, recentFailureReasons } from '../../functions/streams/ctr-ingest.js';
import { LocalContactStream } from '../../infra/local/capabilities/money.js';
import { flushPendingAlerts } from '../../shared/adapters/dynamo/account-alerts.js';
import { stringAttribute } from '../../shared/adapters/dynamo/attribute-values.js';
import { setDynamo } from '../../shared/adapters/dynamo/client.js';
import {
  createLocalNotifications,
  type LocalNotifications,
} from '../../shared/adapters/local/local-notifications.js';
import { type Account, callAllowance } from '../../shared/domain/accounts/account.js';
import { localDay, nextLocalMidnight } from '../../shared/domain/zoned-time.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { account, answeredCall, bindNumbers, callItem, ledgerSum, topUp } from './ingest-fixtures.js';

let db: TestDatabase;
let outbox: LocalNotifications;
const handler = (event: KinesisStreamEvent) => processContactRecords(event);
const stream = (maxRetries = 3) =>
  new LocalContactStream(
    handler,
    {},
    { maxRetries, batchSize: 100, reasonOf: (seq) => recentFailureReasons.get(seq) },
  );
let lineCounter = 0;

async function line(opening: number) {
  const n = ++lineCounter;
  const tenantId = `fault-${n}`;
  const accessNumber = `+65${String(80_000_000 + n)}`;
  await bindNumbers([{ tenantId, number400: `4008${String(900_000 + n)}`, accessNumber }]);
  if (opening > 0) await topUp(tenantId, opening);
  return { tenantId, accessNumber };
}

/** A document client whose requests fail at the given rate, before or after reaching the engine. */
function faultyClient(endpoint: string, rate: number, random: () => number) {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'local', maxAttempts: 1 }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const roll = random();
      if (roll < rate / 2)
        throw Object.assign(new Error('injected throttling'), {
          name: 'ThrottlingException',
          $retryable: { throttling: true },
        });
      const result = await next(args);
      // The write happened but the answer is lost: the caller must not assume either way.
      if (roll < rate)
        throw Object.assign(new Error('injected lost response'), {
          name: 'ProvisionedThroughputExceededException',
        });
      return result;
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  return client;
}

/** A seeded generator, so a failing run can be reproduced. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  resetPorts();
  outbox = createLocalNotifications();
  usePorts({ notifications: outbox });
});
afterEach(() => setDynamo(undefined));

describe('ingest under faults', () => {
  it('a poison record among 100 leaves 99 charged and one in the failure destination', async () => {
    const { tenantId, accessNumber } = await line(1_000_000);
    const records: unknown[] = Array.from({ length: 100 }, (_, i) =>
      answeredCall(accessNumber, { seconds: 60 + i }),
    );
    records[37] = '{"ContactId": "poison", "LastUpdateTimestamp": ';
    const s = stream();
    const report = await s.put(records);
    expect(report.parked).toBe(1);
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatchObject({ reason: 'malformed JSON', partitionKey: 'poison' });
    let charged = 0;
    for (const r of records)
      if (typeof r !== 'string' && (await callItem(String((r as { ContactId: string }).ContactId))))
        charged++;
    expect(charged).toBe(99);
    const acct = await account(tenantId);
    expect(acct.balance - acct.owed).toBe((await ledgerSum(tenantId)).sum);
  });

  it('30% injected throttling (half of it after the write) loses and duplicates nothing', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const calls = Array.from({ length: 120 }, (_, i) => answeredCall(accessNumber, { seconds: 30 + 7 * i }));
    // Duplicates and an update for a few of them.
    const update: Record<string, unknown> = {
      ...calls[3],
      Recordings: [
        {
          Location: 'b/x.wav',
          StartTimestamp: calls[3]?.TransferCompletedTimestamp,
          StopTimestamp: calls[3]?.DisconnectTimestamp,
        },
      ],
      LastUpdateTimestamp: '2026-11-24T09:00:00.000Z',
    };
    const deliveries = [...calls, ...calls.slice(0, 30), update, calls[3]];
    const expected = await (async () => {
      // The same records through a fault-free engine on another tenant give the expected charges.
      const clean = await line(10_000_000);
      const cleanCalls = deliveries.map((c) => ({
        ...c,
        ContactId: `clean-${String(c?.ContactId)}`,
        SystemEndpoint: { Address: clean.accessNumber },
      }));
      await stream().put(cleanCalls);
      return account(clean.tenantId);
    })();
    setDynamo(faultyClient(db.endpoint, 0.3, seeded(42)));
    const s = new LocalContactStream(handler, {}, { maxRetries: 50, batchSize: 50 });
    await s.put(deliveries);
    setDynamo(undefined);
    expect(s.failures).toEqual([]);
    const acct = await account(tenantId);
    expect(acct.balance).toBe(expected.balance);
    for (const c of calls) expect(await callItem(String(c.ContactId))).toBeDefined();
    expect((await callItem(String(calls[3]?.ContactId)))?.recordingSeconds).toBeGreaterThan(0);
    expect((await ledgerSum(tenantId)).sum).toBe(acct.balance - acct.owed);
  }, 120_000);

  it('the same batch replayed after a crash between writes charges nothing twice', async () => {
    // 300 records over 5 accounts: several transactions; the process dies after the first commits.
    const lines = await Promise.all(Array.from({ length: 5 }, () => line(10_000_000)));
    const calls = Array.from({ length: 300 }, (_, i) =>
      answeredCall(lines[i % 5]?.accessNumber ?? '', { seconds: 45 + i }),
    );
    const event = {
      Records: calls.map((c, i) => ({
        kinesis: {
          sequenceNumber: String(1000 + i),
          partitionKey: String(c.ContactId),
          data: Buffer.from(JSON.stringify(c)).toString('base64'),
        },
      })),
    } as unknown as KinesisStreamEvent;
    let transactions = 0;
    const crashing = faultyClient(db.endpoint, 0, Math.random);
    crashing.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { TransactItems?: unknown }).TransactItems && ++transactions > 1)
          throw new Error('process crashed');
        return next(args);
      },
      { step: 'initialize', name: 'crash' },
    );
    setDynamo(crashing);
    const crashed = await processContactRecords(event).catch(() => undefined);
    expect(crashed?.batchItemFailures.length ?? 300).toBeGreaterThan(0);
    const balances = await Promise.all(lines.map((l) => account(l.tenantId)));
    expect(balances.filter((a) => a.balance < 10_000_000)).toHaveLength(1);
    setDynamo(undefined);
    expect((await processContactRecords(event)).batchItemFailures).toEqual([]);
    expect((await processContactRecords(event)).batchItemFailures).toEqual([]);
    for (const [i, l] of lines.entries()) {
      const acct = await account(l.tenantId);
      const mine = calls.filter((_, j) => j % 5 === i);
      const items = await Promise.all(mine.map((c) => callItem(String(c.ContactId))));
      const charged = items.reduce((sum, item) => sum + (item?.amount ?? 0), 0);
      expect(10_000_000 - acct.balance).toBe(charged);
      expect(await ledgerSum(l.tenantId)).toEqual({ sum: acct.balance, count: 61 });
    }
  }, 60_000);

  it('50 concurrent charges against a balance that covers 10: floor kept, every charge accounted for', async () => {
    // Each call: 5 minutes long distance on 4008 = 150 fen; the balance pays for 10.
    const { tenantId, accessNumber } = await line(1_500);
    const calls = Array.from({ length: 50 }, () => answeredCall(accessNumber, { seconds: 300 }));
    const results = await Promise.all(
      calls.map((c, i) =>
        processContactRecords({
          Records: [
            {
              kinesis: {
                sequenceNumber: String(i),
                partitionKey: String(c.ContactId),
                data: Buffer.from(JSON.stringify(c)).toString('base64'),
              },
            },
          ],
        } as unknown as KinesisStreamEvent),
      ),
    );
    // Any record the handler could not get through would be retried by the stream: retry those here.
    const retry = results.flatMap((r, i) => (r.batchItemFailures.length ? [calls[i]] : []));
    if (retry.length) await stream(20).put(retry);
    const acct = await account(tenantId);
    expect(acct.balance).toBe(0);
    expect(acct.owed).toBe(40 * 150);
    expect(acct.status).toBe('arrears');
    for (const c of calls) expect((await callItem(String(c.ContactId)))?.amount).toBe(150);
    expect(outbox.sent(tenantId).filter((m) => m.kind === 'arrears')).toHaveLength(1);
    // Already below the ¥50 threshold when the first charge landed: told once, then arrears once.
    expect(outbox.sent(tenantId).filter((m) => m.kind === 'low_balance')).toHaveLength(1);
  }, 60_000);

  it('publishes each alert once per crossing; a failed publish is retried from the outbox without re-charging', async () => {
    // 60 yuan: above the 50-yuan threshold; calls of 150 fen each.
    const { tenantId, accessNumber } = await line(6_000);
    const s = stream();
    outbox.failNext(1);
    await s.put(Array.from({ length: 8 }, () => answeredCall(accessNumber, { seconds: 300 })));
    // 6000 - 8×150 = 4800: crossed below 5000, but the publish failed: still pending.
    expect(outbox.sent(tenantId)).toHaveLength(0);
    const balanceAfter = (await account(tenantId)).balance;
    expect(balanceAfter).toBe(4_800);
    await s.put(Array.from({ length: 4 }, () => answeredCall(accessNumber, { seconds: 300 })));
    // The next invocation flushed the pending alert first; no new crossing while still below.
    expect(outbox.sent(tenantId).map((m) => m.kind)).toEqual(['low_balance']);
    expect(await flushPendingAlerts()).toBe(0);
    expect((await account(tenantId)).balance).toBe(4_200);
    // A top-up above the threshold re-arms it; the next fall below alerts once more.
    await topUp(tenantId, 2_000, 'topup#rearm');
    // 6200 → 4850 after 9 calls.
    await s.put(Array.from({ length: 9 }, () => answeredCall(accessNumber, { seconds: 300 })));
    expect(outbox.sent(tenantId).map((m) => m.kind)).toEqual(['low_balance', 'low_balance']);
  });

  it('the cap example: cap ¥20, calls until spend reaches it → routing refuses; at local midnight it allows again', async () => {
    const { tenantId, accessNumber } = await line(100_000);
    const { updateAccountSettings } = await import('../../shared/adapters/dynamo/account-settings.js');
    const zone = 'Asia/Shanghai';
    const now = new Date();
    // Calls from 10:00 today (local, peak rate), so the example never straddles midnight whenever it runs.
    const dayStart = nextLocalMidnight(zone, now.getTime()) - 86_400_000;
    await updateAccountSettings(tenantId, now, (a) => ({ ...a, dailyCap: 2_000 }));
    const today = localDay(zone, now.getTime());
    const s = stream();
    let calls = 0;
    // Each call: 5 minutes at 30 fen = 150; the routing decision is asked before each call.
    for (;;) {
      const decision = callAllowance((await account(tenantId)) as Account, today, 30);
      if (!decision.allowed) {
        expect(decision.reason).toBe('spend_cap_reached');
        break;
      }
      // The decision bounds the call by what is left under the cap.
      expect(decision.maxDurationSeconds).toBeLessThanOrEqual(
        Math.floor((2_000 - (await account(tenantId)).spendToday) / 30) * 60,
      );
      await s.put([
        answeredCall(accessNumber, {
          seconds: 300,
          answeredAt: new Date(dayStart + 10 * 3_600_000 + calls * 600_000).toISOString(),
        }),
      ]);
      calls++;
      expect(calls).toBeLessThan(20);
    }
    const acct = await account(tenantId);
    expect(acct.spendToday).toBeGreaterThanOrEqual(2_000);
    expect(calls).toBe(Math.ceil(2_000 / 150));
    expect(outbox.sent(tenantId).filter((m) => m.kind === 'spend_cap_reached')).toHaveLength(1);
    const midnight = nextLocalMidnight(zone, now.getTime());
    expect(callAllowance(acct as Account, localDay(zone, midnight), 30)).toMatchObject({ allowed: true });
    expect(callAllowance(acct as Account, localDay(zone, midnight - 1), 30)).toMatchObject({
      allowed: false,
    });
  });
});

describe('a hot account (more calls in one batch than one transaction holds)', () => {
  const countAccountWrites = (tenantId: string, crashOnAccountWrite: () => boolean) => {
    const counter = { writes: 0 };
    const client = faultyClient(db.endpoint, 0, Math.random);
    client.middlewareStack.add(
      (next) => async (args) => {
        const items =
          (args.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ??
          [];
        // Items are plain values or, on the ingest's hot path, pre-marshalled AttributeValues.
        if (
          items.some(
            (t) =>
              stringAttribute(t.Put?.Item?.pk) === `ACCT#${tenantId}` &&
              stringAttribute(t.Put?.Item?.sk) === 'ACCOUNT',
          )
        ) {
          counter.writes++;
          if (crashOnAccountWrite()) throw new Error('process crashed');
        }
        return next(args);
      },
      { step: 'initialize', name: 'countAccountWrites' },
    );
    setDynamo(client);
    return counter;
  };
  const eventOf = (calls: readonly Record<string, unknown>[]) =>
    ({
      Records: calls.map((c, i) => ({
        kinesis: {
          sequenceNumber: String(5000 + i),
          partitionKey: String(c.ContactId),
          data: Buffer.from(JSON.stringify(c)).toString('base64'),
        },
      })),
    }) as unknown as KinesisStreamEvent;

  it('writes the balance item once for a batch of 1,000 calls of one number', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const calls = Array.from({ length: 1_000 }, (_, i) => answeredCall(accessNumber, { seconds: 20 + i }));
    const counter = countAccountWrites(tenantId, () => false);
    const result = await processContactRecords(eventOf(calls));
    setDynamo(undefined);
    expect(result.batchItemFailures).toEqual([]);
    expect(counter.writes).toBe(1);
    const items = await Promise.all(calls.map((c) => callItem(String(c.ContactId))));
    const charged = items.reduce((sum, item) => sum + (item?.amount ?? 0), 0);
    const acct = await account(tenantId);
    expect(10_000_000 - acct.balance).toBe(charged);
    expect((await ledgerSum(tenantId)).sum).toBe(acct.balance);
  }, 60_000);

  it('a crash between the calls and the account write is recovered once: by the replay or by the sweep', async () => {
    for (const recovery of ['replay', 'sweep'] as const) {
      const { tenantId, accessNumber } = await line(10_000_000);
      const calls = Array.from({ length: 300 }, (_, i) => answeredCall(accessNumber, { seconds: 20 + i }));
      countAccountWrites(tenantId, () => true);
      const crashed = await processContactRecords(eventOf(calls)).catch(() => ({ batchItemFailures: calls }));
      setDynamo(undefined);
      expect(crashed.batchItemFailures.length).toBe(300);
      expect((await account(tenantId)).balance).toBe(10_000_000);
      if (recovery === 'sweep') {
        const { sweepPendingPostings } = await import('../../shared/adapters/dynamo/account-postings.js');
        expect(await sweepPendingPostings('Asia/Shanghai', 0)).toBeGreaterThan(0);
      }
      expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
      expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
      const items = await Promise.all(calls.map((c) => callItem(String(c.ContactId))));
      const charged = items.reduce((sum, item) => sum + (item?.amount ?? 0), 0);
      const acct = await account(tenantId);
      expect(10_000_000 - acct.balance, recovery).toBe(charged);
      expect((await ledgerSum(tenantId)).sum).toBe(acct.balance);
    }
  }, 60_000);
});
