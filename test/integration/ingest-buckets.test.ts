/**
 * One account's calls touching more allowance buckets in one batch than one transaction holds (an
 * enterprise or reseller with many numbers, each with its own included minutes): every call charged once,
 * in as few transactions of at most 100 actions as a split in start order allows, through the real
 * ctr-ingest handler and the fault proxy (test/support/fault-proxy.ts) on the embedded engine. And many
 * calls on a few numbers, whose claims span transactions: a crash between them, the batch dead-lettered,
 * leaves no included minutes claimed by calls never written.
 * Rates (DEFAULT_TARIFF, 4006, basic plan): long distance 25 fen/min at weekday peak, 100 included
 * minutes per number and month, whole minutes rounded up. The batches' calls are answered from 10:15
 * Shanghai on Tuesday 24 November 2026 (peak) and last at most 110 minutes (still peak); calls of other
 * batches from 11:00 or 12:00 (peak).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processContactRecords } from '../../functions/streams/ctr-ingest.js';
import { ingest } from '../../shared/runtime/ingest.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import {
  type FaultProxy,
  routeDynamoThrough,
  type SeenRequest,
  startFaultProxy,
} from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
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

const RUNS = Number(process.env.INGEST_PROPERTY_RUNS ?? 12);
const OPENING = 1_000_000;

let db: TestDatabase;
let proxy: FaultProxy;
let restoreEndpoint: () => void;
let tenants = 0;

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
  // Charged the day after the calls; the clock ticks from there, so pending postings age for the sweep.
  const started = performance.now();
  const base = Date.parse('2026-11-25T04:00:00Z');
  useClock({ now: () => new Date(base + Math.round(performance.now() - started)) });
  useLocalNotifier();
});
afterEach(() => proxy.clear());

/** A tenant with `count` numbers on the basic plan, each on its own access number, and money. */
async function enterprise(count: number) {
  const n = ++tenants;
  const tenantId = `buckets-${n}`;
  const lines = Array.from({ length: count }, (_, i) => ({
    tenantId,
    number400: `4006${String(n * 1000 + i).padStart(6, '0')}`,
    accessNumber: `+6536${String(n * 1000 + i).padStart(6, '0')}`,
    planId: 'basic',
  }));
  await bindNumbers(lines);
  await topUp(tenantId, OPENING);
  return { tenantId, lines };
}

/** One call on each number, of these lengths in seconds, all in one batch. */
function callsOn(lines: readonly { accessNumber: string }[], seconds: readonly number[], tag: string) {
  return lines.map((l, i) =>
    answeredCall(l.accessNumber, {
      contactId: `${tag}-${String(i).padStart(3, '0')}`,
      answeredAt: new Date(Date.parse('2026-11-24T02:15:00Z') + i * 1000).toISOString(),
      seconds: seconds[i] ?? 60,
    }),
  );
}

const eventOf = (calls: readonly Record<string, unknown>[]) =>
  ({
    Records: calls.map((c, i) => ({
      kinesis: {
        sequenceNumber: String(10_000 + i),
        partitionKey: String(c.ContactId),
        data: Buffer.from(JSON.stringify(c)).toString('base64'),
      },
    })),
  }) as unknown as KinesisStreamEvent;

/** Each charge transaction as it went over the wire: its actions. */
const transactions = (): Record<string, unknown>[][] =>
  proxy.seen
    .filter((r) => r.operation === 'TransactWriteItems')
    .map((r) => (r.body.TransactItems ?? []) as Record<string, unknown>[]);

/** How many times a request wrote the tenant's account item. */
function accountWrites(request: SeenRequest, tenantId: string): number {
  if (request.operation !== 'TransactWriteItems') return 0;
  const items = (request.body.TransactItems ?? []) as { Put?: { Item?: Record<string, { S?: string }> } }[];
  return items.filter((t) => t.Put?.Item?.pk?.S === `ACCT#${tenantId}` && t.Put?.Item?.sk?.S === 'ACCOUNT')
    .length;
}

/** The reference rating: 100 minutes free, every further started minute at 25 fen. */
const reference = (seconds: number) => 25 * Math.max(0, Math.ceil(seconds / 60) - 100);

/** Every call charged exactly as the reference says, once: no adjustment, and the ledger adds up. */
async function expectChargedOnce(
  tenantId: string,
  calls: readonly Record<string, unknown>[],
  seconds: number[],
) {
  let total = 0;
  let paid = 0;
  for (const [i, c] of calls.entries()) {
    const amount = reference(seconds[i] ?? 0);
    total += amount;
    if (amount > 0) paid++;
    expect(await callItem(String(c.ContactId)), String(c.ContactId)).toMatchObject({
      amount,
      ledgerAmount: amount,
      includedSecondsUsed: Math.min(100, Math.ceil((seconds[i] ?? 0) / 60)) * 60,
    });
  }
  expect(await adjustmentsOf(tenantId)).toEqual([]);
  const acct = await account(tenantId);
  expect(acct).toMatchObject({ balance: OPENING - total, owed: 0 });
  // The top-up and one call entry per paid call (a free call posts 0 and is no ledger line).
  expect(await ledgerSum(tenantId)).toEqual({ sum: OPENING - total, count: 1 + paid });
  return total;
}

/**
 * The fewest transactions one account's calls can take, split in start order, each call costing its
 * actions: its item, and its bucket's write when it claims included seconds (a call of 0 seconds claims
 * none). Up to 94 calls, chunks beside the account: 1 + their actions ≤ 100 each. More: chunks beside a
 * posting (1 + their actions ≤ 100) until the rest fits beside the account and one action per posting to
 * apply (1 + postings + rest ≤ 100). Filling each chunk to the limit is optimal for splits in order: after
 * j chunks no split has placed more calls, so none closes sooner.
 */
function fewestTransactions(costs: readonly number[]): number {
  const fill = (from: number) => {
    let room = 99;
    let i = from;
    for (; i < costs.length && (costs[i] ?? 0) <= room; i++) room -= costs[i] ?? 0;
    return i;
  };
  let chunks = 0;
  if (costs.length <= 94) {
    for (let i = 0; i < costs.length; chunks++) i = fill(i);
    return chunks;
  }
  for (let i = 0; 1 + chunks + costs.slice(i).reduce((sum, c) => sum + c, 0) > 100; chunks++) i = fill(i);
  return chunks + 1;
}

/** 150 calls: a third over by 2 minutes (102: 50 fen), a third by 5 (105: 125 fen), a third within (40: 0). */
const MIXED = Array.from({ length: 150 }, (_, i) => [102, 105, 40][i % 3] as number).map((m) => m * 60);
/** 50 × 50 + 50 × 125 = 2,500 + 6,250 fen. */
const MIXED_TOTAL = 8_750;

describe('an account with more allowance buckets in one batch than one transaction holds', () => {
  it('charges 150 numbers’ calls once, in transactions of at most 100 actions, writing the account once', async () => {
    const { tenantId, lines } = await enterprise(150);
    const calls = callsOn(lines, MIXED, `mixed-${tenantId}`);
    proxy.clear();
    expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
    const sizes = transactions().map((t) => t.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    // Each call takes 2 actions (its item and its bucket's). Chunks of a posting and 49 calls: 1 + 98 = 99
    // (50 would be 101), three times: 147 calls. The 3 left close the batch beside the account, applying
    // the 3 postings: 1 + 3 + 3 × 2 = 10 actions. Fewer is impossible: the 300 call and bucket actions
    // and the one account write are already more than 3 × 100.
    expect(sizes).toEqual([99, 99, 99, 10]);
    expect(proxy.seen.reduce((n, r) => n + accountWrites(r, tenantId), 0)).toBe(1);
    expect(await expectChargedOnce(tenantId, calls, MIXED)).toBe(MIXED_TOTAL);
    expect(await account(tenantId)).toMatchObject({ balance: OPENING - 8_750 });
    // Every bucket holds its call's claim: 100, 100 and 40 minutes.
    expect(await bucketItem(tenantId, `2026-11#number#${lines[0]?.number400}`)).toMatchObject({
      version: 1,
      claims: { [String(calls[0]?.ContactId)]: { freeSeconds: 6000 } },
    });
    expect(await bucketItem(tenantId, `2026-11#number#${lines[149]?.number400}`)).toMatchObject({
      version: 1,
      claims: { [String(calls[149]?.ContactId)]: { freeSeconds: 2400 } },
    });
    // The stream delivers the batch again: nothing more.
    expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
    expect(await expectChargedOnce(tenantId, calls, MIXED)).toBe(MIXED_TOTAL);
  }, 60_000);

  it('charges 94 numbers’ calls, too many with their buckets for one transaction, in two chained transactions', async () => {
    // 94 calls still take the account's own transactions: 49 calls and their 49 buckets beside the
    // account (1 + 98 = 99 actions; 50 would be 101), then the 45 left (1 + 90 = 91), conditioned on the
    // version the first wrote. 188 actions and 2 account writes: 2 transactions at the least.
    const { tenantId, lines } = await enterprise(94);
    const seconds = MIXED.slice(0, 94);
    const calls = callsOn(lines, seconds, `chain-${tenantId}`);
    proxy.clear();
    expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
    expect(transactions().map((t) => t.length)).toEqual([99, 91]);
    expect(proxy.seen.reduce((n, r) => n + accountWrites(r, tenantId), 0)).toBe(2);
    // Of the 94 (102, 105, 40 minutes in turn): 32 × 50 + 31 × 125 = 1,600 + 3,875 = 5,475 fen.
    expect(await expectChargedOnce(tenantId, calls, seconds)).toBe(5_475);
  }, 60_000);

  it('a late call displacing 120 calls, in a batch with calls on 120 other buckets: every call settled once', async () => {
    // The business number (4006, 600 included minutes, long distance 23 fen/min at peak): a 480-minute
    // call and 120 one-minute calls use its November minutes; then the late 120-minute call that started
    // before them all arrives with one call on each of 120 basic numbers (MIXED's first 120).
    const { tenantId, lines } = await enterprise(120);
    const busy = { tenantId, number400: '4006999001', accessNumber: '+6536999001', planId: 'business' };
    await bindNumbers([busy]);
    const { filler, small, late } = displacement(busy.accessNumber, `disp-${tenantId}`, '2026-11-02');
    expect((await processContactRecords(eventOf([filler, ...small.slice(0, 60)]))).batchItemFailures).toEqual(
      [],
    );
    expect((await processContactRecords(eventOf(small.slice(60)))).batchItemFailures).toEqual([]);
    expect((await account(tenantId)).balance).toBe(OPENING);
    const seconds = MIXED.slice(0, 120);
    const calls = callsOn(lines, seconds, `disp-${tenantId}`);
    proxy.clear();
    expect((await processContactRecords(eventOf([late, ...calls]))).batchItemFailures).toEqual([]);
    expect(Math.max(...transactions().map((t) => t.length))).toBeLessThanOrEqual(100);
    // The basic numbers: 40 × 50 + 40 × 125 = 7,000 fen; each one-minute call re-settled once: 120 × 23.
    expect(await callItem(String(late.ContactId))).toMatchObject({ amount: 0, includedSecondsUsed: 7200 });
    for (const c of small)
      expect(await callItem(String(c.ContactId))).toMatchObject({ amount: 23, ledgerAmount: 0 });
    const adjustments = await adjustmentsOf(tenantId);
    expect(adjustments).toHaveLength(120);
    expect(adjustments.reduce((sum, a) => sum + Number(a.amount), 0)).toBe(-2_760);
    expect(await bucketItem(tenantId, `2026-11#number#${busy.number400}`)).toMatchObject({ pending: {} });
    for (const [i, c] of calls.entries())
      expect(await callItem(String(c.ContactId))).toMatchObject({ amount: reference(seconds[i] ?? 0) });
    expect(await account(tenantId)).toMatchObject({ balance: OPENING - 7_000 - 2_760, owed: 0 });
    // The top-up, the 80 paid basic calls and the 120 adjustments.
    expect(await ledgerSum(tenantId)).toEqual({ sum: OPENING - 9_760, count: 201 });
    // Delivered again: nothing more.
    expect((await processContactRecords(eventOf([late, ...calls]))).batchItemFailures).toEqual([]);
    expect(await adjustmentsOf(tenantId)).toHaveLength(120);
    expect((await account(tenantId)).balance).toBe(OPENING - 9_760);
  }, 60_000);

  // The split transactions above: 49, 49 and 49 calls with their postings, then the 3 last calls with
  // the account's write. After the third, only that closing transaction is missing.
  it.each([
    { passed: 1, lost: false, written: 49 },
    { passed: 2, lost: true, written: 98 },
    { passed: 3, lost: false, written: 147 },
  ])(
    'a crash after $passed of the split transactions (answer lost: $lost), then the batch again: each call charged once',
    async ({ passed, lost, written }) => {
      const { tenantId, lines } = await enterprise(150);
      const calls = callsOn(lines, MIXED, `crash-${tenantId}`);
      const plan: ('pass' | 'lose-response')[] = Array(passed).fill('pass');
      if (lost) plan[passed - 1] = 'lose-response';
      proxy.plan('TransactWriteItems', ...plan);
      proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
      const crashed = await processContactRecords(eventOf(calls)).catch(() => undefined);
      proxy.rule(undefined);
      expect(crashed?.batchItemFailures.length ?? 150).toBeGreaterThan(0);
      // The calls of the transactions that landed are written; the account is not yet (its postings wait).
      const items = await Promise.all(calls.map((c) => callItem(String(c.ContactId))));
      expect(items.filter(Boolean)).toHaveLength(written);
      expect((await account(tenantId)).balance).toBe(OPENING);
      // The stream delivers the batch again (twice): the rest is charged, nothing twice.
      proxy.clear();
      expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
      expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
      expect(Math.max(...transactions().map((t) => t.length))).toBeLessThanOrEqual(100);
      expect(await expectChargedOnce(tenantId, calls, MIXED)).toBe(MIXED_TOTAL);
    },
    120_000,
  );

  it('property: any number of buckets (1 to 250) and any crash point: each call charged once, as the reference rates it, in the fewest transactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        // The number of buckets drawn first: fc.array alone keeps arrays short.
        fc
          .integer({ min: 1, max: 250 })
          .chain((n) => fc.array(fc.integer({ min: 0, max: 110 * 60 }), { minLength: n, maxLength: n })),
        // Half the runs without a crash: their transactions are counted.
        fc.option(
          fc.record({
            passed: fc.integer({ min: 0, max: 6 }),
            lost: fc.boolean(),
            sweep: fc.boolean(),
          }),
          { freq: 2 },
        ),
        async (seconds, crash) => {
          const { tenantId, lines } = await enterprise(seconds.length);
          const calls = callsOn(lines, seconds, `prop-${tenantId}`);
          proxy.clear();
          if (!crash) {
            expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
            const costs = seconds.map((s) => (s > 0 ? 2 : 1));
            const packed = transactions();
            expect(packed).toHaveLength(fewestTransactions(costs));
            // Never more than counting allows: every action in a transaction of at most 100, and beside the
            // call and bucket actions one account write (and, when split, a posting put and its apply).
            const actions = costs.reduce((sum, c) => sum + c, 0);
            expect(packed.length).toBeGreaterThanOrEqual(
              Math.max(1, Math.min(Math.ceil(actions / 99), Math.ceil((actions - 1) / 98))),
            );
          }
          if (crash) {
            const plan: ('pass' | 'lose-response')[] = Array(crash.passed).fill('pass');
            if (crash.lost && crash.passed > 0) plan[crash.passed - 1] = 'lose-response';
            proxy.plan('TransactWriteItems', ...plan);
            proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
            await processContactRecords(eventOf(calls)).catch(() => undefined);
            proxy.rule(undefined);
            // The batch never comes back before the sweep runs, or comes back at once.
            if (crash.sweep) await ingest.sweepPendingPostings(0);
          }
          expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
          expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
          expect(Math.max(...transactions().map((t) => t.length))).toBeLessThanOrEqual(100);
          const total = seconds.reduce((sum, s) => sum + reference(s), 0);
          expect(await expectChargedOnce(tenantId, calls, seconds)).toBe(total);
        },
      ),
      { numRuns: RUNS },
    );
  }, 600_000);
});

describe('a batch that crashes between its transactions and is dead-lettered', () => {
  it('leaves no included minutes claimed by calls never written: later calls get them, a redrive takes them back', async () => {
    // One basic number (100 included minutes, 25 fen a long-distance peak minute) and 150 one-minute
    // calls from 10:15 Shanghai, one second apart: 150 > 94 calls take the deferred path. Its first
    // transaction writes a posting, the bucket and 98 calls (100 actions); the second, which never
    // lands, the account, the posting's apply, the bucket and the 52 others.
    const { tenantId, lines } = await enterprise(1);
    const number = lines[0] as { accessNumber: string; number400: string };
    const calls = callsOn(
      Array.from({ length: 150 }, () => number),
      Array(150).fill(60),
      `dlq-${tenantId}`,
    );
    proxy.clear();
    proxy.plan('TransactWriteItems', 'pass');
    proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
    await processContactRecords(eventOf(calls)).catch(() => undefined);
    proxy.rule(undefined);
    expect(transactions()[0]).toHaveLength(100);
    const written = (await Promise.all(calls.map((c) => callItem(String(c.ContactId))))).filter(Boolean);
    expect(written).toHaveLength(98);
    // The stream gives up: the batch goes to the dead-letter queue, never delivered again. The next
    // invocation's sweep applies the posting the crash left (98 free calls: 0 fen).
    await ingest.sweepPendingPostings(0);
    const key = `2026-11#number#${number.number400}`;
    const used = (bucket: Record<string, any> | undefined) =>
      Object.values((bucket?.claims ?? {}) as Record<string, { freeSeconds: number }>).reduce(
        (sum, c) => sum + c.freeSeconds,
        0,
      );
    // The 98 written calls hold 98 minutes; nothing holds the 2 minutes left.
    expect(used(await bucketItem(tenantId, key))).toBe(98 * 60);
    // A 10-minute call at 11:00: the 2 minutes left are its own, 8 are paid: 8 × 25 = 200 fen.
    const later = answeredCall(number.accessNumber, {
      contactId: `dlq-${tenantId}-later`,
      answeredAt: '2026-11-24T03:00:00Z',
      seconds: 600,
    });
    expect((await processContactRecords(eventOf([later]))).batchItemFailures).toEqual([]);
    expect(await callItem(String(later.ContactId))).toMatchObject({ amount: 200, includedSecondsUsed: 120 });
    expect(used(await bucketItem(tenantId, key))).toBe(100 * 60);
    expect(await account(tenantId)).toMatchObject({ balance: OPENING - 200, owed: 0 });
    expect(await ledgerSum(tenantId)).toEqual({ sum: OPENING - 200, count: 2 });
    // An operator redrives the dead-lettered batch: its 52 calls started before the later one, so 2 of
    // them take its 2 minutes back (re-settled: 200 → 250 fen, a 50-fen adjustment) and 50 pay 25 fen:
    // 1,250 + 250 = 1,500 fen in all, as if nothing had crashed.
    expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
    expect(await callItem(String(later.ContactId))).toMatchObject({ amount: 250, includedSecondsUsed: 0 });
    expect((await adjustmentsOf(tenantId)).map((a) => a.amount)).toEqual([-50]);
    const bucket = await bucketItem(tenantId, key);
    expect(used(bucket)).toBe(100 * 60);
    expect(Object.keys(bucket?.claims ?? {}).sort()).toEqual(
      calls.slice(0, 100).map((c) => String(c.ContactId)),
    );
    expect(await account(tenantId)).toMatchObject({ balance: OPENING - 1_500, owed: 0 });
    // The top-up, 50 paid calls, the later call's entry and its adjustment.
    expect(await ledgerSum(tenantId)).toEqual({ sum: OPENING - 1_500, count: 53 });
  }, 60_000);

  it('two batches on one number charged at once, each over several transactions: the minutes go in start order, once', async () => {
    // 240 one-minute calls one second apart on one basic number, the even ones in one batch, the odd in
    // another, both charged at the same time (two shards). Whichever wins each transaction, the first 100
    // calls by start are free and the 140 others pay 25 fen: 3,500 fen.
    const { tenantId, lines } = await enterprise(1);
    const number = lines[0] as { accessNumber: string };
    const calls = callsOn(
      Array.from({ length: 240 }, () => number),
      Array(240).fill(60),
      `race-${tenantId}`,
    );
    const shards = [calls.filter((_, i) => i % 2 === 0), calls.filter((_, i) => i % 2 === 1)];
    // Each shard's records again until none fails, as the stream retries them.
    await Promise.all(
      shards.map(async (shard) => {
        for (let attempt = 0; ; attempt++) {
          expect(attempt).toBeLessThan(5);
          if ((await processContactRecords(eventOf(shard))).batchItemFailures.length === 0) break;
        }
      }),
    );
    for (const [i, c] of calls.entries())
      expect(await callItem(String(c.ContactId)), String(i)).toMatchObject({ amount: i < 100 ? 0 : 25 });
    expect(await account(tenantId)).toMatchObject({ balance: OPENING - 3_500, owed: 0 });
    expect((await ledgerSum(tenantId)).sum).toBe(OPENING - 3_500);
  }, 60_000);

  it('property: whatever transaction a crash stops at, every claim left is a written call’s (and settled), and the redrive charges as the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        // Calls of at most 70 seconds (0, 1 or 2 minutes billed): a number's 100 minutes last ~90 calls,
        // so the claims of 2 or 3 numbers run past the first transaction (≤ 99 calls).
        fc
          .integer({ min: 95, max: 220 })
          .chain((n) => fc.array(fc.integer({ min: 0, max: 70 }), { minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: 3 }),
        // Calls from 12:00 charged before the batch: it takes their minutes back (re-settlements owed).
        fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 40 }),
        async (numbers, seconds, passed, chargedBefore) => {
          const { tenantId, lines } = await enterprise(numbers);
          // Call i on number i mod `numbers`, one second after call i − 1.
          const on = seconds.map((_, i) => lines[i % numbers] as { accessNumber: string; number400: string });
          const calls = callsOn(on, seconds, `dlqp-${tenantId}`);
          const before = chargedBefore.map((s, j) =>
            answeredCall((lines[j % numbers] as { accessNumber: string }).accessNumber, {
              contactId: `dlqp-${tenantId}-noon-${String(j).padStart(2, '0')}`,
              answeredAt: new Date(Date.parse('2026-11-24T04:00:00Z') + j * 1000).toISOString(),
              seconds: s,
            }),
          );
          if (before.length > 0)
            expect((await processContactRecords(eventOf(before))).batchItemFailures).toEqual([]);
          proxy.plan('TransactWriteItems', ...Array<'pass'>(passed).fill('pass'));
          proxy.rule((r) => (r.operation === 'TransactWriteItems' ? 'reset' : undefined));
          await processContactRecords(eventOf(calls)).catch(() => undefined);
          proxy.rule(undefined);
          // Dead-lettered: the next invocation's sweep only.
          await ingest.sweepPendingPostings(0);
          const items = await Promise.all([...calls, ...before].map((c) => callItem(String(c.ContactId))));
          for (const line of lines) {
            const bucket = await bucketItem(tenantId, `2026-11#number#${line.number400}`);
            for (const [contactId, claim] of Object.entries(
              (bucket?.claims ?? {}) as Record<string, { freeSeconds: number }>,
            )) {
              const item = items.find((i) => i?.contactId === contactId);
              expect(item, contactId).toBeDefined();
              expect(claim.freeSeconds).toBe(item?.includedSecondsUsed);
            }
          }
          // The reference, per number in start order: 100 minutes, each call taking its whole minutes
          // while they last, 25 fen for every other minute.
          const left = lines.map(() => 100);
          const rate = (s: number, n: number) => {
            const minutes = Math.ceil(s / 60);
            const free = Math.min(minutes, left[n] ?? 0);
            left[n] = (left[n] ?? 0) - free;
            return 25 * (minutes - free);
          };
          const amounts = seconds.map((s, i) => rate(s, i % numbers));
          const noon = chargedBefore.map((s, j) => rate(s, j % numbers));
          expect((await processContactRecords(eventOf(calls))).batchItemFailures).toEqual([]);
          for (const [i, c] of calls.entries())
            expect(await callItem(String(c.ContactId)), String(i)).toMatchObject({ amount: amounts[i] });
          for (const [j, c] of before.entries())
            expect(await callItem(String(c.ContactId)), `noon ${j}`).toMatchObject({ amount: noon[j] });
          const total = [...amounts, ...noon].reduce((sum, a) => sum + a, 0);
          expect(await account(tenantId)).toMatchObject({ balance: OPENING - total, owed: 0 });
          expect((await ledgerSum(tenantId)).sum).toBe(OPENING - total);
        },
      ),
      { numRuns: RUNS },
    );
  }, 600_000);
});
