/**
 * Fault tests of the contact-record pipeline through the local stream and the real ctr-ingest handler,
 * with faults injected between the process's real DynamoDB client and the engine by the fault proxy
 * (test/support/fault-proxy.ts): the SDK's own retries and ClientRequestTokens meet them, as in AWS.
 * A poison record, throttling storms, 5xx and resets, lost answers (the write landed, the answer did not),
 * a crash between writes, concurrent charges on a thin balance, and alerts once per crossing with a
 * failed publish retried.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processContactRecords, recentFailureReasons } from '../../functions/streams/ctr-ingest.js';
import { LocalContactStream } from '../../infra/local/capabilities/money.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { type Account, callAllowance } from '../../shared/domain/accounts/account.js';
import { MAX_CALL_SECONDS } from '../../shared/domain/routing/decision.js';
import { localDay, nextLocalMidnight } from '../../shared/domain/zoned-time.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest } from '../../shared/runtime/ingest.js';
import { money } from '../../shared/runtime/money.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import {
  type FaultProxy,
  routeDynamoThrough,
  type SeenRequest,
  startFaultProxy,
} from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { type LocalNotifier, useLocalNotifier } from '../support/local-notifier.js';
import {
  account,
  adjustmentsOf,
  answeredCall,
  bindNumbers,
  bucketItem,
  callItem,
  displacement,
  ledgerSum,
  topUp,
} from './ingest-fixtures.js';

let db: TestDatabase;
let notifier: LocalNotifier;
let outbox: LocalNotifications;
/**
 * Call setup's allowance for a 30-fen number, refusing at the dearest minute with no stored tariff version:
 * 4008 payg long distance 30 + recording 2 = 32 fen.
 */
const allowance = (acct: Account, day: string) => callAllowance(acct, day, 30, MAX_CALL_SECONDS, 32);
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

/** The account items a TransactWriteItems request writes (DynamoDB JSON, as it went over the wire). */
function accountWrites(request: Pick<SeenRequest, 'operation' | 'body'>, tenantId: string): number {
  if (request.operation !== 'TransactWriteItems') return 0;
  const items = (request.body.TransactItems ?? []) as { Put?: { Item?: Record<string, { S?: string }> } }[];
  return items.filter((t) => t.Put?.Item?.pk?.S === `ACCT#${tenantId}` && t.Put?.Item?.sk?.S === 'ACCOUNT')
    .length;
}

const eventOf = (calls: readonly Record<string, unknown>[], base = 1000) =>
  ({
    Records: calls.map((c, i) => ({
      kinesis: {
        sequenceNumber: String(base + i),
        partitionKey: String(c.ContactId),
        data: Buffer.from(JSON.stringify(c)).toString('base64'),
      },
    })),
  }) as unknown as KinesisStreamEvent;

/** A seeded generator, so a failing run can be reproduced. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let proxy: FaultProxy;
let restoreEndpoint: () => void;

beforeAll(async () => {
  db = await startTestDatabase();
  proxy = await startFaultProxy(db.endpoint);
  restoreEndpoint = routeDynamoThrough(proxy);
});
afterAll(async () => {
  resetPorts();
  restoreEndpoint();
  await proxy.close();
  await db.stop();
});
beforeEach(() => {
  resetPorts();
  // The records are of 24 November 2026: charged the next day, whatever day the tests run. The clock
  // ticks from there (a monotonic timer), so postings left pending grow older for the sweep.
  const started = performance.now();
  const base = Date.parse('2026-11-25T04:00:00Z');
  useClock({ now: () => new Date(base + Math.round(performance.now() - started)) });
  notifier = useLocalNotifier();
  outbox = notifier.outbox;
});
afterEach(() => proxy.clear());

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

  /** A tenant's deliveries with duplicates and an update, and the balance they leave on a fault-free run. */
  async function deliveriesWithExpectedBalance(accessNumber: string) {
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
    const deliveries = [...calls, ...calls.slice(0, 30), update, calls[3] ?? update];
    // The same records through the engine without faults, on another tenant, give the expected charges.
    const clean = await line(10_000_000);
    const cleanCalls = deliveries.map((c) => ({
      ...c,
      ContactId: `clean-${String(c?.ContactId)}`,
      SystemEndpoint: { Address: clean.accessNumber },
    }));
    await stream().put(cleanCalls);
    return { calls, deliveries, expected: await account(clean.tenantId) };
  }

  it('30% faults on every request (throttles, 5xx, resets, conflicts, lost answers) lose and duplicate nothing', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const { calls, deliveries, expected } = await deliveriesWithExpectedBalance(accessNumber);
    const random = seeded(42);
    proxy.clear();
    const faults = ['throttle', 500, 503, 'reset', 'conflict', 'lose-response'] as const;
    proxy.rule(() => (random() < 0.3 ? faults[Math.floor(random() * faults.length)] : undefined));
    const s = new LocalContactStream(handler, {}, { maxRetries: 50, batchSize: 50 });
    await s.put(deliveries);
    const met = new Set(proxy.seen.map((r) => r.fault));
    proxy.rule(undefined);
    expect(s.failures).toEqual([]);
    for (const fault of faults) expect(met).toContain(fault);
    const acct = await account(tenantId);
    expect(acct.balance).toBe(expected.balance);
    for (const c of calls) expect(await callItem(String(c.ContactId))).toBeDefined();
    expect((await callItem(String(calls[3]?.ContactId)))?.recordingSeconds).toBeGreaterThan(0);
    expect((await ledgerSum(tenantId)).sum).toBe(acct.balance - acct.owed);
  }, 120_000);

  it('a throttling storm on the transactions outlasts the SDK retries; the charges land once when it ends', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const { calls, deliveries, expected } = await deliveriesWithExpectedBalance(accessNumber);
    // 12 throttles: three transactions' worth of SDK attempts (maxAttempts 4) fail before one gets through.
    proxy.clear();
    proxy.plan('TransactWriteItems', ...Array<'throttle'>(12).fill('throttle'));
    const result = await processContactRecords(eventOf(deliveries));
    const throttled = proxy.seen.filter((r) => r.fault === 'throttle').length;
    expect(throttled).toBe(12);
    expect(result.batchItemFailures).toEqual([]);
    const acct = await account(tenantId);
    expect(acct.balance).toBe(expected.balance);
    for (const c of calls) expect(await callItem(String(c.ContactId))).toBeDefined();
    expect((await ledgerSum(tenantId)).sum).toBe(acct.balance - acct.owed);
  }, 60_000);

  it('a transaction whose answer is lost is retried with its ClientRequestToken and applied once', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const { deliveries, expected } = await deliveriesWithExpectedBalance(accessNumber);
    // Every transaction's first attempt is applied by the engine, and its answer lost.
    const tokens = new Set<unknown>();
    proxy.clear();
    proxy.rule((r) => {
      if (r.operation !== 'TransactWriteItems' || tokens.has(r.body.ClientRequestToken)) return undefined;
      tokens.add(r.body.ClientRequestToken);
      return 'lose-response';
    });
    const result = await processContactRecords(eventOf(deliveries));
    const transactions = proxy.seen.filter((r) => r.operation === 'TransactWriteItems');
    proxy.rule(undefined);
    expect(result.batchItemFailures).toEqual([]);
    // Each transaction went twice with one token: lost, then answered from the engine's token record.
    expect(tokens.size).toBeGreaterThan(0);
    expect(transactions).toHaveLength(2 * tokens.size);
    const acct = await account(tenantId);
    expect(acct.balance).toBe(expected.balance);
    expect((await ledgerSum(tenantId)).sum).toBe(acct.balance - acct.owed);
  }, 60_000);

  it('the same batch replayed after a crash between writes charges nothing twice', async () => {
    // 300 records over 5 accounts: one account per transaction. The first transaction is applied and its
    // answer lost; then the process can reach nothing (every later transaction is reset) and gives up.
    const lines = await Promise.all(Array.from({ length: 5 }, () => line(10_000_000)));
    const calls = Array.from({ length: 300 }, (_, i) =>
      answeredCall(lines[i % 5]?.accessNumber ?? '', { seconds: 45 + i }),
    );
    const event = eventOf(calls);
    proxy.plan('TransactWriteItems', 'lose-response');
    proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
    const crashed = await processContactRecords(event).catch(() => undefined);
    proxy.rule(undefined);
    expect(crashed?.batchItemFailures.length ?? 300).toBeGreaterThan(0);
    const balances = await Promise.all(lines.map((l) => account(l.tenantId)));
    expect(balances.filter((a) => a.balance < 10_000_000)).toHaveLength(1);
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

  // A late call displacing 120 calls from the included minutes: its record's transaction (the call, the
  // bucket's allocation and the 120 re-settlements it owes), then three re-settlement transactions (45,
  // 45, 30 calls). Business plan on 4008: long distance 26 fen/min at peak; each call re-settled pays 26.
  it.each([
    { applied: 1, lost: false, adjustedBefore: 0, finish: 'replay' },
    { applied: 2, lost: false, adjustedBefore: 45, finish: 'replay' },
    { applied: 3, lost: true, adjustedBefore: 90, finish: 'replay' },
    { applied: 2, lost: false, adjustedBefore: 45, finish: 'sweep' },
  ])(
    'a crash after $applied of the displacing record’s transactions (answer lost: $lost): the $finish re-settles the rest, nothing twice',
    async ({ applied, lost, adjustedBefore, finish }) => {
      const n = ++lineCounter;
      const tenantId = `fault-${n}`;
      const accessNumber = `+65${String(80_000_000 + n)}`;
      const number = `4008${String(900_000 + n)}`;
      await bindNumbers([{ tenantId, number400: number, accessNumber, planId: 'business' }]);
      await topUp(tenantId, 1_000_000);
      const { filler, small, late } = displacement(accessNumber, `crash-${n}`, '2026-11-02');
      expect(
        (await processContactRecords(eventOf([filler, ...small.slice(0, 60)]))).batchItemFailures,
      ).toEqual([]);
      expect((await processContactRecords(eventOf(small.slice(60), 2000))).batchItemFailures).toEqual([]);
      const event = eventOf([late], 3000);
      // The first transactions pass (the last of them applied, its answer lost), then nothing gets through.
      const passed: ('pass' | 'lose-response')[] = Array(applied).fill('pass');
      if (lost) passed[applied - 1] = 'lose-response';
      proxy.plan('TransactWriteItems', ...passed);
      proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
      const crashed = await processContactRecords(event).catch(() => undefined);
      proxy.rule(undefined);
      expect(crashed?.batchItemFailures.length ?? 1).toBe(1);
      // The late call is charged (free) and the bucket says what it still owes.
      expect(await callItem(`crash-${n}-late`)).toMatchObject({ amount: 0, includedSecondsUsed: 7200 });
      expect(await adjustmentsOf(tenantId)).toHaveLength(adjustedBefore);
      const owed = await bucketItem(tenantId, `2026-11#number#${number}`);
      expect(Object.keys(owed?.pending ?? {})).toHaveLength(120 - adjustedBefore);
      expect((await account(tenantId)).balance).toBe(1_000_000 - 26 * adjustedBefore);
      if (finish === 'replay') {
        // The stream delivers the batch again (twice): the rest is re-settled, once.
        expect((await processContactRecords(event)).batchItemFailures).toEqual([]);
        expect((await processContactRecords(event)).batchItemFailures).toEqual([]);
      } else {
        // The batch never comes back (dead-lettered): the sweep finds the bucket owing (run twice).
        await ingest.sweepPendingPostings(0);
        await ingest.sweepPendingPostings(0);
      }
      for (const c of small)
        expect(await callItem(String(c.ContactId))).toMatchObject({ amount: 26, includedSecondsUsed: 0 });
      const adjustments = await adjustmentsOf(tenantId);
      expect(adjustments).toHaveLength(120);
      for (const [i, a] of adjustments.entries())
        expect(a).toMatchObject({
          key: `call#crash-${n}-s${String(i).padStart(3, '0')}#allowance#2026-11#number#${number}#v3`,
          amount: -26,
        });
      expect(await bucketItem(tenantId, `2026-11#number#${number}`)).toMatchObject({ pending: {} });
      // 120 × 26 = 3,120 fen. Ledger: the top-up and 120 adjustments (the free calls posted 0).
      const acct = await account(tenantId);
      expect(acct).toMatchObject({ balance: 1_000_000 - 3120, owed: 0 });
      expect(await ledgerSum(tenantId)).toEqual({ sum: acct.balance - acct.owed, count: 121 });
    },
    60_000,
  );

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
    notifier.failNextHandOver(1);
    await s.put(Array.from({ length: 8 }, () => answeredCall(accessNumber, { seconds: 300 })));
    // 6000 - 8×150 = 4800: crossed below 5000, but the publish failed: still pending.
    expect(outbox.sent(tenantId)).toHaveLength(0);
    const balanceAfter = (await account(tenantId)).balance;
    expect(balanceAfter).toBe(4_800);
    await s.put(Array.from({ length: 4 }, () => answeredCall(accessNumber, { seconds: 300 })));
    // The next invocation flushed the pending alert first; no new crossing while still below.
    expect(outbox.sent(tenantId).map((m) => m.kind)).toEqual(['low_balance']);
    expect(await money.flushAlertOutbox()).toBe(0);
    expect((await account(tenantId)).balance).toBe(4_200);
    // A top-up above the threshold re-arms it; the next fall below alerts once more.
    await topUp(tenantId, 2_000, 'topup#rearm');
    // 6200 → 4850 after 9 calls.
    await s.put(Array.from({ length: 9 }, () => answeredCall(accessNumber, { seconds: 300 })));
    expect(outbox.sent(tenantId).map((m) => m.kind)).toEqual(['low_balance', 'low_balance']);
  });

  it('the cap example: cap ¥20, calls until spend reaches it → routing refuses; at local midnight it allows again', async () => {
    // A fixed instant (23:00 in Shanghai), seen by the handler too: the example is the same on any day.
    // The calls below start from 10:00 that day, before it (a record that starts more than 5 minutes
    // after the ingest instant is parked, not charged).
    const now = new Date('2026-11-24T15:00:00.000Z');
    useClock(new TestClock(now));
    const { tenantId, accessNumber } = await line(100_000);
    const zone = 'Asia/Shanghai';
    // Calls from 10:00 that day (local, peak rate).
    const dayStart = nextLocalMidnight(zone, now.getTime()) - 86_400_000;
    await money.setSpendCap(tenantId, 2_000, now);
    const today = localDay(zone, now.getTime());
    const s = stream();
    let calls = 0;
    // Each call: 5 minutes at 30 fen = 150; the routing decision is asked before each call.
    for (;;) {
      const decision = allowance((await account(tenantId)) as Account, today);
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
    expect(allowance(acct as Account, localDay(zone, midnight))).toMatchObject({ allowed: true });
    expect(allowance(acct as Account, localDay(zone, midnight - 1))).toMatchObject({ allowed: false });
  });
});

describe('a hot account (more calls in one batch than one transaction holds)', () => {
  it('writes the balance item once for a batch of 1,000 calls of one number', async () => {
    const { tenantId, accessNumber } = await line(10_000_000);
    const calls = Array.from({ length: 1_000 }, (_, i) => answeredCall(accessNumber, { seconds: 20 + i }));
    proxy.clear();
    const result = await processContactRecords(eventOf(calls, 5000));
    expect(result.batchItemFailures).toEqual([]);
    expect(proxy.seen.reduce((n, r) => n + accountWrites(r, tenantId), 0)).toBe(1);
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
      // The calls' transactions land; every transaction that writes the account is reset.
      proxy.rule((r) => (accountWrites(r, tenantId) > 0 ? 'reset' : undefined));
      const crashed = await processContactRecords(eventOf(calls, 5000)).catch(() => ({
        batchItemFailures: calls,
      }));
      proxy.rule(undefined);
      expect(crashed.batchItemFailures.length).toBe(300);
      expect((await account(tenantId)).balance).toBe(10_000_000);
      if (recovery === 'sweep') expect(await ingest.sweepPendingPostings(0)).toBeGreaterThan(0);
      expect((await processContactRecords(eventOf(calls, 5000))).batchItemFailures).toEqual([]);
      expect((await processContactRecords(eventOf(calls, 5000))).batchItemFailures).toEqual([]);
      const items = await Promise.all(calls.map((c) => callItem(String(c.ContactId))));
      const charged = items.reduce((sum, item) => sum + (item?.amount ?? 0), 0);
      const acct = await account(tenantId);
      expect(10_000_000 - acct.balance, recovery).toBe(charged);
      expect((await ledgerSum(tenantId)).sum).toBe(acct.balance);
    }
  }, 120_000);
});
