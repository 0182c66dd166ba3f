/**
 * Issue 13 on the embedded engine: included minutes per number and month (whatever the arrival order or
 * batch split), time bounds, ownership periods, immutable posted entries, and the ledger's invariants.
 * Rates (DEFAULT_TARIFF, 4006): basic plan, long distance 25 fen/min at peak, 100 minutes a month.
 * answeredCall: a Shanghai caller answered in Beijing (long distance), started 16 s before its answer.
 */
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { queryAll } from '../../shared/adapters/dynamo/paging.js';
import type { RawRecord } from '../../shared/app/calls/ingest-contact-records.js';
import { tableName } from '../../shared/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest as ingestRoot } from '../../shared/runtime/ingest.js';
import { ledger } from '../../shared/runtime/money.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
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
let db: TestDatabase;
let seq = 0;
const records = (...data: unknown[]): RawRecord[] =>
  data.map((d) => ({ id: String(++seq), data: JSON.stringify(d) }));
const ingest = (...data: unknown[]) => ingestRoot.ingestContactRecords(records(...data));
/** 10:00 Shanghai (peak) on a local day, plus minutes. */
const at10 = (day: string, plusMinutes = 0) =>
  new Date(Date.parse(`${day}T10:00:00+08:00`) + plusMinutes * 60_000).toISOString();

async function parkedItem(contactId: unknown) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: { pk: `PARKED#${contactId}`, sk: 'PARKED' } }),
  );
  return Item;
}

async function callsOf(tenantId: string) {
  const out: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: tableName('ledger'),
        FilterExpression: '#t = :call AND tenantId = :tenant',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':call': 'call', ':tenant': tenantId },
        ExclusiveStartKey,
      }),
    );
    out.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
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
  useLocalNotifier();
});

/**
 * The invariants, for one account: its ledger entries sum to balance − owed; every fen charged for calls
 * traces to a rated call item (tariff version, included seconds, allowance bucket when the plan has one):
 * the call entries and adjustments sum to minus the calls' current amounts.
 */
async function expectInvariants(tenantId: string) {
  const acct = await account(tenantId);
  expect((await ledgerSum(tenantId)).sum).toBe(acct.balance - acct.owed);
  const entries = await queryAll({
    TableName: tableName('ledger'),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': `ACCT#${tenantId}` },
  });
  let posted = 0;
  for (const e of entries) {
    if (e.type === 'call') posted -= Number(e.ledgerAmount);
    else if (e.kind === 'call_adjustment') {
      posted += Number(e.amount);
      expect(e.meta).toMatchObject({
        tariffVersion: expect.any(String),
        includedSecondsUsed: expect.any(Number),
      });
    }
  }
  const calls = await callsOf(tenantId);
  let amounts = 0;
  for (const c of calls) {
    amounts += Number(c.amount);
    expect(c.tariffVersion).toEqual(expect.any(String));
    expect(c.includedSecondsUsed).toEqual(expect.any(Number));
    if (c.plan === 'basic') expect(c.allowanceKey).toMatch(/^\d{4}-\d{2}#number#/);
  }
  expect(posted + amounts).toBe(0);
}

describe('included minutes belong to a number and its month', () => {
  it('gives each number its own 100 minutes, and a late December record December’s', async () => {
    useClock(new TestClock('2027-01-10T04:00:00Z'));
    await bindNumbers([
      { tenantId: 'allow-1', number400: '4006100001', accessNumber: '+6532000001', planId: 'basic' },
      { tenantId: 'allow-1', number400: '4006100002', accessNumber: '+6532000002', planId: 'basic' },
    ]);
    await topUp('allow-1', 100_000);
    const first = answeredCall('+6532000001', { answeredAt: at10('2027-01-05'), seconds: 100 * 60 });
    const second = answeredCall('+6532000002', { answeredAt: at10('2027-01-05'), seconds: 30 * 60 });
    expect(await ingest(first, second)).toMatchObject({ charged: 2, failures: [] });
    // Both free: the second number's call uses its own minutes, not the first number's.
    expect(await callItem(String(first.ContactId))).toMatchObject({ amount: 0, includedSecondsUsed: 6000 });
    expect(await callItem(String(second.ContactId))).toMatchObject({
      amount: 0,
      includedSecondsUsed: 1800,
      allowanceKey: '2027-01#number#4006100002',
    });
    // The first number's January minutes are used: 10 minutes × 25 fen.
    const third = answeredCall('+6532000001', { answeredAt: at10('2027-01-06'), seconds: 10 * 60 });
    await ingest(third);
    expect(await callItem(String(third.ContactId))).toMatchObject({ amount: 250, includedSecondsUsed: 0 });
    // A record of 31 December arriving now (within the correction window) uses December's minutes.
    const late = answeredCall('+6532000001', { answeredAt: at10('2026-12-31'), seconds: 10 * 60 });
    await ingest(late);
    expect(await callItem(String(late.ContactId))).toMatchObject({
      amount: 0,
      includedSecondsUsed: 600,
      allowanceKey: '2026-12#number#4006100001',
    });
    expect((await account('allow-1')).balance).toBe(100_000 - 250);
    await expectInvariants('allow-1');
  });

  it('a late call that started earlier takes its minutes first; the later call is re-settled by an adjustment', async () => {
    useClock(new TestClock('2027-01-20T04:00:00Z'));
    await bindNumbers([
      { tenantId: 'allow-2', number400: '4006100003', accessNumber: '+6532000003', planId: 'basic' },
      { tenantId: 'allow-3', number400: '4006100004', accessNumber: '+6532000004', planId: 'basic' },
    ]);
    await topUp('allow-2', 100_000);
    await topUp('allow-3', 100_000);
    const set = (access: string, tag: string) => ({
      a: answeredCall(access, { contactId: `${tag}-a`, answeredAt: at10('2027-01-11'), seconds: 30 * 60 }),
      b: answeredCall(access, { contactId: `${tag}-b`, answeredAt: at10('2027-01-12'), seconds: 60 * 60 }),
      c: answeredCall(access, { contactId: `${tag}-c`, answeredAt: at10('2027-01-13'), seconds: 50 * 60 }),
    });
    const late = set('+6532000003', 'late');
    // B (60 min) and C (50 min) first: B free, C 40 free + 10 paid = 250.
    await ingest(late.b, late.c);
    expect(await callItem('late-c')).toMatchObject({ amount: 250, includedSecondsUsed: 2400 });
    // A (30 min, started before both) arrives: A 30 free, B 60 free, C 10 free + 40 paid = 1,000.
    useClock(new TestClock('2027-01-20T05:00:00Z'));
    await ingest(late.a);
    expect(await callItem('late-a')).toMatchObject({ amount: 0, includedSecondsUsed: 1800 });
    expect(await callItem('late-c')).toMatchObject({
      amount: 1000,
      includedSecondsUsed: 600,
      ledgerAmount: 250,
    });
    const entries = (await ledger().list('allow-2', 50, undefined)).items;
    expect(entries.find((e) => e.kind === 'call_adjustment')).toMatchObject({
      key: 'call#late-c#allowance#2027-01#number#4006100003#v2',
      amount: -750,
      at: '2027-01-20T05:00:00.000Z',
    });
    // The same calls in one batch, on another tenant: the same charges.
    const once = set('+6532000004', 'once');
    await ingest(once.c, once.a, once.b);
    expect(await callItem('once-c')).toMatchObject({ amount: 1000, includedSecondsUsed: 600 });
    expect((await account('allow-2')).balance).toBe((await account('allow-3')).balance);
    expect((await account('allow-2')).balance).toBe(100_000 - 1000);
    await expectInvariants('allow-2');
    await expectInvariants('allow-3');
  });

  it('a late call displacing 120 calls re-settles every one of them, exactly once, over several transactions', async () => {
    // Business plan on 4006: 600 included minutes a month, long distance 23 fen/min at peak.
    useClock(new TestClock('2027-01-20T04:00:00Z'));
    const tenantId = 'allow-many';
    await bindNumbers([
      { tenantId, number400: '4006100020', accessNumber: '+6532000020', planId: 'business' },
    ]);
    await topUp(tenantId, 100_000);
    const { filler, small, late } = displacement('+6532000020', 'many', '2027-01-04');
    // The filler and 120 one-minute calls use the 600 minutes exactly: every call free (bucket v1, v2).
    expect(await ingest(filler, ...small.slice(0, 60))).toMatchObject({ charged: 61, failures: [] });
    expect(await ingest(...small.slice(60))).toMatchObject({ charged: 60, failures: [] });
    expect((await account(tenantId)).balance).toBe(100_000);
    // The late 120-minute call that started before them all: free; each one-minute call pays 23 fen.
    useClock(new TestClock('2027-01-20T05:00:00Z'));
    const result = await ingest(late);
    expect(result).toMatchObject({ charged: 1, adjusted: 120, failures: [] });
    // The late call with the bucket's new allocation, then 45 + 45 + 30 re-settlements.
    expect(result.transactions).toBe(4);
    expect(await callItem('many-late')).toMatchObject({ amount: 0, includedSecondsUsed: 7200 });
    expect(await callItem('many-filler')).toMatchObject({ amount: 0, includedSecondsUsed: 28_800 });
    for (const c of small)
      expect(await callItem(String(c.ContactId))).toMatchObject({
        amount: 23,
        includedSecondsUsed: 0,
        ledgerAmount: 0,
      });
    const adjustments = await adjustmentsOf(tenantId);
    expect(adjustments).toHaveLength(120);
    for (const [i, a] of adjustments.entries())
      expect(a).toMatchObject({
        key: `call#many-s${String(i).padStart(3, '0')}#allowance#2027-01#number#4006100020#v3`,
        amount: -23,
        at: '2027-01-20T05:00:00.000Z',
        meta: { includedSecondsUsed: 0, allowanceKey: '2027-01#number#4006100020' },
      });
    // 120 × 23 = 2,760 fen; nothing owed is left on the bucket.
    expect(await account(tenantId)).toMatchObject({ balance: 100_000 - 2760, owed: 0 });
    expect(await bucketItem(tenantId, '2027-01#number#4006100020')).toMatchObject({ pending: {} });
    await expectInvariants(tenantId);
    // The same record again (the stream delivers at least once): nothing more.
    useClock(new TestClock('2027-01-20T06:00:00Z'));
    expect(await ingest(late)).toMatchObject({ charged: 0, adjusted: 0, failures: [] });
    expect(await adjustmentsOf(tenantId)).toHaveLength(120);
    expect((await account(tenantId)).balance).toBe(100_000 - 2760);
    await expectInvariants(tenantId);
  }, 60_000);

  it('two displacing calls ingested at once: their re-settlements interleave on the bucket, each call settled once', async () => {
    useClock(new TestClock('2027-01-20T05:00:00Z'));
    const tenantId = 'allow-race';
    await bindNumbers([
      { tenantId, number400: '4006100023', accessNumber: '+6532000023', planId: 'business' },
    ]);
    await topUp(tenantId, 100_000);
    const { filler, small } = displacement('+6532000023', 'race', '2027-01-04');
    await ingest(filler, ...small.slice(0, 60));
    await ingest(...small.slice(60));
    // Two 60-minute calls on the Monday morning (08:00 and 09:00 answers), in two concurrent batches:
    // together they take back the 120 minutes the one-minute calls held.
    const early = answeredCall('+6532000023', {
      contactId: 'race-late-0',
      answeredAt: '2027-01-04T00:00:00Z',
      seconds: 3600,
    });
    const later = answeredCall('+6532000023', {
      contactId: 'race-late-1',
      answeredAt: '2027-01-04T01:00:00Z',
      seconds: 3600,
    });
    const results = await Promise.all([ingest(early), ingest(later)]);
    // A record that lost every round would come back from the stream: deliver those again.
    for (const [i, r] of results.entries())
      if (r.failures.length > 0) expect((await ingest(i === 0 ? early : later)).failures).toEqual([]);
    for (const c of small) expect(await callItem(String(c.ContactId))).toMatchObject({ amount: 23 });
    expect(await callItem('race-late-0')).toMatchObject({ amount: 0, includedSecondsUsed: 3600 });
    expect(await callItem('race-late-1')).toMatchObject({ amount: 0, includedSecondsUsed: 3600 });
    // Each one-minute call moved once from 0 to 23 fen, whichever allocation displaced it.
    const adjustments = await adjustmentsOf(tenantId);
    expect(adjustments).toHaveLength(120);
    expect(adjustments.reduce((sum, a) => sum + Number(a.amount), 0)).toBe(-2760);
    expect(await account(tenantId)).toMatchObject({ balance: 100_000 - 2760, owed: 0 });
    expect(await bucketItem(tenantId, '2027-01#number#4006100023')).toMatchObject({ pending: {} });
    await expectInvariants(tenantId);
  }, 60_000);

  it('a displacing call in a busy batch (deferred postings) re-settles its 120 calls after the account is written', async () => {
    useClock(new TestClock('2027-01-20T04:00:00Z'));
    const tenantId = 'allow-busy';
    await bindNumbers([
      { tenantId, number400: '4006100021', accessNumber: '+6532000021', planId: 'business' },
      { tenantId, number400: '4006100022', accessNumber: '+6532000022' },
    ]);
    await topUp(tenantId, 100_000);
    const { filler, small, late } = displacement('+6532000021', 'busy', '2027-01-04');
    await ingest(filler, ...small.slice(0, 60));
    await ingest(...small.slice(60));
    // With the late call, 99 one-minute calls on the payg number (Tuesday 19th, peak: 25 fen each).
    const payg = Array.from({ length: 99 }, (_, i) =>
      answeredCall('+6532000022', {
        contactId: `busy-p${i}`,
        answeredAt: at10('2027-01-19', i),
        seconds: 60,
      }),
    );
    useClock(new TestClock('2027-01-20T05:00:00Z'));
    expect(await ingest(late, ...payg)).toMatchObject({ charged: 100, adjusted: 120, failures: [] });
    for (const c of small) expect(await callItem(String(c.ContactId))).toMatchObject({ amount: 23 });
    expect(await adjustmentsOf(tenantId)).toHaveLength(120);
    // 99 × 25 + 120 × 23 = 2,475 + 2,760 = 5,235 fen.
    expect(await account(tenantId)).toMatchObject({ balance: 100_000 - 5235, owed: 0 });
    expect(await bucketItem(tenantId, '2027-01#number#4006100021')).toMatchObject({ pending: {} });
    await expectInvariants(tenantId);
  }, 60_000);

  it('property: large displacements — charges do not depend on arrival order or batch split', async () => {
    // Business plan (600 minutes): a 480-minute call on Monday 10:00, 50 to 110 one-minute calls on the
    // Tuesday (all free until then), and 1 to 3 late calls (40 to 150 minutes) on the Monday morning that
    // take minutes back from the latest of them (often from more calls than one transaction re-settles).
    let run = 0;
    const local = (day: string, minutes: number) =>
      new Date(Date.parse(`${day}T07:00:00+08:00`) + minutes * 60_000).toISOString();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 50, max: 110 }),
        fc.array(
          fc.record({ minute: fc.integer({ min: 0, max: 170 }), minutes: fc.integer({ min: 40, max: 150 }) }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.func(fc.integer()),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (count, lates, order, cuts) => {
          run++;
          useClock(new TestClock('2027-01-20T04:00:00Z'));
          const sideOf = (side: 'x' | 'y') => ({
            tenantId: `prop-many-${run}-${side}`,
            number400: `4006${side === 'x' ? 3 : 4}${String(run).padStart(5, '0')}`,
            accessNumber: `+657${side === 'x' ? 4 : 5}${String(run).padStart(6, '0')}`,
            planId: 'business',
          });
          const x = sideOf('x');
          const y = sideOf('y');
          await bindNumbers([x, y]);
          await topUp(x.tenantId, 1_000_000);
          await topUp(y.tenantId, 1_000_000);
          const recordsOf = (side: typeof x, tag: string) => ({
            early: [
              answeredCall(side.accessNumber, {
                contactId: `pm-${run}-${tag}-filler`,
                answeredAt: local('2027-01-04', 180),
                seconds: 480 * 60,
              }),
              ...Array.from({ length: count }, (_, i) =>
                answeredCall(side.accessNumber, {
                  contactId: `pm-${run}-${tag}-s${i}`,
                  answeredAt: local('2027-01-05', 180 + i),
                  seconds: 60,
                }),
              ),
            ],
            late: lates.map((l, i) =>
              answeredCall(side.accessNumber, {
                contactId: `pm-${run}-${tag}-late${i}`,
                answeredAt: local('2027-01-04', l.minute),
                seconds: l.minutes * 60,
              }),
            ),
          });
          const rx = recordsOf(x, 'x');
          expect((await ingest(...rx.early, ...rx.late)).failures).toEqual([]);
          // y: the earlier calls shuffled and split into batches anywhere, then the late ones.
          const ry = recordsOf(y, 'y');
          const shuffled = [...ry.early].sort(
            (a, b) => order(String(a.ContactId)) - order(String(b.ContactId)),
          );
          const bounds = [...new Set(cuts.map((c) => c % (shuffled.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...bounds, shuffled.length]) {
            if (to > from) expect((await ingest(...shuffled.slice(from, to))).failures).toEqual([]);
            from = to;
          }
          expect((await ingest(...ry.late)).failures).toEqual([]);
          for (const [i, cx] of [...rx.early, ...rx.late].entries()) {
            const id = String(cx.ContactId);
            const a = await callItem(id);
            const b = await callItem(id.replace(`-${run}-x-`, `-${run}-y-`));
            expect({ amount: b?.amount, free: b?.includedSecondsUsed, i }).toEqual({
              amount: a?.amount,
              free: a?.includedSecondsUsed,
              i,
            });
          }
          const ax = await account(x.tenantId);
          const ay = await account(y.tenantId);
          expect(ay.balance - ay.owed).toBe(ax.balance - ax.owed);
          expect((await bucketItem(y.tenantId, `2027-01#number#${y.number400}`))?.pending ?? {}).toEqual({});
          await expectInvariants(y.tenantId);
        },
      ),
      { numRuns: Math.min(RUNS, 6) },
    );
  }, 300_000);

  it('property: the charges of a set of records do not depend on arrival order, duplicates or batch split', async () => {
    let run = 0;
    const callArb = fc.record({
      number: fc.integer({ min: 0, max: 1 }),
      day: fc.constantFrom('2026-12-30', '2026-12-31', '2027-01-04', '2027-01-05'),
      minute: fc.integer({ min: 0, max: 600 }),
      seconds: fc.integer({ min: 0, max: 45 * 60 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 1, maxLength: 8 }),
        fc.func(fc.integer()),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (calls, order, cuts, dupes) => {
          run++;
          useClock(new TestClock('2027-01-10T04:00:00Z'));
          const lines = (side: string) =>
            [0, 1].map((i) => ({
              tenantId: `prop-allow-${run}-${side}`,
              number400: `4006${side === 'x' ? 1 : 2}${String(run * 10 + i).padStart(5, '0')}`,
              accessNumber: `+657${side === 'x' ? 1 : 2}${String(run * 10 + i).padStart(6, '0')}`,
              planId: 'basic',
            }));
          const x = lines('x');
          const y = lines('y');
          await bindNumbers([...x, ...y]);
          await topUp(x[0]?.tenantId ?? '', 1_000_000);
          await topUp(y[0]?.tenantId ?? '', 1_000_000);
          const recordsOf = (side: typeof x, tag: string) =>
            calls.map((c, i) =>
              answeredCall(side[c.number]?.accessNumber ?? '', {
                contactId: `pa-${run}-${tag}-${i}`,
                answeredAt: at10(c.day, c.minute),
                seconds: c.seconds,
              }),
            );
          // x: every record in one batch; y: shuffled, some delivered twice, in several batches.
          await ingest(...recordsOf(x, 'x'));
          const ys = recordsOf(y, 'y');
          const shuffled = [...ys, ...dupes.map((d) => ys[d % ys.length])].sort(
            (a, b) => order(String(a?.ContactId)) - order(String(b?.ContactId)),
          );
          const bounds = [...new Set(cuts.map((c) => c % (shuffled.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...bounds, shuffled.length]) {
            if (to > from) expect((await ingest(...shuffled.slice(from, to))).failures).toEqual([]);
            from = to;
          }
          for (let i = 0; i < calls.length; i++) {
            const cx = await callItem(`pa-${run}-x-${i}`);
            const cy = await callItem(`pa-${run}-y-${i}`);
            expect({ amount: cy?.amount, free: cy?.includedSecondsUsed }).toEqual({
              amount: cx?.amount,
              free: cx?.includedSecondsUsed,
            });
          }
          const ax = await account(x[0]?.tenantId ?? '');
          const ay = await account(y[0]?.tenantId ?? '');
          expect(ay.balance - ay.owed).toBe(ax.balance - ax.owed);
          await expectInvariants(y[0]?.tenantId ?? '');
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('time bounds', () => {
  it('parks a future record and one of a closed month: not charged, the spend day and cap stay', async () => {
    // Monday 11 January 2027, 12:00 in Shanghai.
    useClock(new TestClock('2027-01-11T04:00:00Z'));
    await bindNumbers([{ tenantId: 'bounds', number400: '4006100005', accessNumber: '+6532000005' }]);
    await topUp('bounds', 100_000);
    const today = answeredCall('+6532000005', { answeredAt: '2027-01-11T03:00:00Z', seconds: 120 });
    await ingest(today);
    // payg 4006 long distance: 25 fen/min at peak (11:00 Shanghai) → 50.
    expect(await account('bounds')).toMatchObject({ spendDay: '2027-01-11', spendToday: 50 });
    const future = answeredCall('+6532000005', { answeredAt: '2027-01-13T03:00:00Z', seconds: 120 });
    const closed = answeredCall('+6532000005', { answeredAt: '2026-11-30T03:00:00Z', seconds: 120 });
    // 4 minutes ahead (started 16 s before its answer): within the tolerance, charged (50).
    const soon = answeredCall('+6532000005', { answeredAt: '2027-01-11T04:04:00Z', seconds: 120 });
    const r = await ingest(future, closed, soon);
    expect(r).toMatchObject({ charged: 1, parked: 2, failures: [] });
    expect(await callItem(String(future.ContactId))).toBeUndefined();
    expect(await callItem(String(closed.ContactId))).toBeUndefined();
    expect(await account('bounds')).toMatchObject({
      spendDay: '2027-01-11',
      spendToday: 100,
      balance: 99_900,
    });
    const parked = await parkedItem(future.ContactId);
    expect(parked).toMatchObject({ code: 'starts_in_future', accessNumber: '+6532000005' });
    expect(await parkedItem(closed.ContactId)).toMatchObject({ code: 'month_closed' });
    await expectInvariants('bounds');
  });
});

describe('ownership periods', () => {
  it('charges the holder when the call started, parks calls before activation or in a gap; a late update adjusts the old owner', async () => {
    // Monday 11 January 2027, 12:00 in Shanghai.
    useClock(new TestClock('2027-01-11T04:00:00Z'));
    const access = '+6532000009';
    await bindNumbers([
      {
        tenantId: 'own-b',
        number400: '4006100009',
        accessNumber: access,
        owners: [
          {
            tenantId: 'own-a',
            accessNumber: access,
            from: '2027-01-05T00:00:00Z',
            to: '2027-01-08T00:00:00Z',
          },
          { tenantId: 'own-b', accessNumber: access, from: '2027-01-09T00:00:00Z' },
        ],
      },
    ]);
    await topUp('own-a', 10_000);
    await topUp('own-b', 10_000);
    const before = answeredCall(access, { answeredAt: '2027-01-04T03:00:00Z', seconds: 60 });
    const gap = answeredCall(access, { answeredAt: '2027-01-08T12:00:00Z', seconds: 60 });
    const ofA = answeredCall(access, {
      contactId: 'own-a-call',
      answeredAt: '2027-01-06T03:00:00Z',
      seconds: 60,
      lastUpdate: '2027-01-06T03:02:00Z',
    });
    const ofB = answeredCall(access, { answeredAt: '2027-01-11T03:00:00Z', seconds: 60 });
    expect(await ingest(before, gap, ofA, ofB)).toMatchObject({ charged: 2, parked: 2, failures: [] });
    expect(await parkedItem(before.ContactId)).toMatchObject({
      code: 'no_owner_at_start',
      number: '4006100009',
    });
    expect(await parkedItem(gap.ContactId)).toMatchObject({ code: 'no_owner_at_start' });
    // payg 4006 long distance at weekday peak (Wednesday and Monday, 11:00): 25 fen a minute.
    expect(await callItem('own-a-call')).toMatchObject({ tenantId: 'own-a', amount: 25 });
    expect(await callItem(String(ofB.ContactId))).toMatchObject({ tenantId: 'own-b', amount: 25 });
    // A newer record of A's call (a 1-minute recording, +2 fen) after the number moved to B.
    const update = answeredCall(access, {
      contactId: 'own-a-call',
      answeredAt: '2027-01-06T03:00:00Z',
      seconds: 60,
      recording: true,
      lastUpdate: '2027-01-11T03:30:00Z',
    });
    expect(await ingest(update)).toMatchObject({ adjusted: 1, failures: [] });
    expect(await callItem('own-a-call')).toMatchObject({ tenantId: 'own-a', amount: 27 });
    expect((await account('own-a')).balance).toBe(10_000 - 27);
    expect((await account('own-b')).balance).toBe(10_000 - 25);
    await expectInvariants('own-a');
    await expectInvariants('own-b');

    // B cancels at 12:00 on the 11th: the snapshot loses its tenant, the number keeps its periods.
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key: { pk: `ACCESS#${access}`, sk: 'SNAPSHOT' },
        UpdateExpression: 'REMOVE tenantId',
      }),
    );
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key: { pk: 'NUM#4006100009', sk: 'NUMBER' },
        UpdateExpression: 'SET owners[1].#to = :to',
        ExpressionAttributeNames: { '#to': 'to' },
        ExpressionAttributeValues: { ':to': '2027-01-11T04:00:00Z' },
      }),
    );
    useClock(new TestClock('2027-01-11T06:00:00Z'));
    // A late record of B's Sunday (weekend band, 20% off: 20 fen a minute) is still B's; one after the
    // cancellation is nobody's.
    const lateOfB = answeredCall(access, { answeredAt: '2027-01-10T03:00:00Z', seconds: 60 });
    const afterEnd = answeredCall(access, { answeredAt: '2027-01-11T05:00:00Z', seconds: 60 });
    expect(await ingest(lateOfB, afterEnd)).toMatchObject({ charged: 1, parked: 1, failures: [] });
    expect(await callItem(String(lateOfB.ContactId))).toMatchObject({ tenantId: 'own-b', amount: 20 });
    expect(await parkedItem(afterEnd.ContactId)).toMatchObject({ code: 'no_owner_at_start' });
    expect((await account('own-b')).balance).toBe(10_000 - 45);
  });
});

describe('posted entries are immutable', () => {
  it('property: newer records post adjustments dated when posted; the call entry keeps amount, time and text', async () => {
    let run = 0;
    const versionArb = fc.record({ seconds: fc.integer({ min: 0, max: 900 }), recording: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(versionArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        async (versions, deliveries) => {
          run++;
          const tenantId = `immut-${run}`;
          const access = `+6573${String(run).padStart(6, '0')}`;
          await bindNumbers([
            { tenantId, number400: `4008${String(run).padStart(6, '0')}`, accessNumber: access },
          ]);
          await topUp(tenantId, 100_000);
          const contactId = `immut-${run}-c`;
          const recs = versions.map((v, i) =>
            answeredCall(access, {
              contactId,
              answeredAt: '2027-01-06T03:00:00Z',
              seconds: v.seconds,
              recording: v.recording,
              lastUpdate: new Date(Date.parse('2027-01-06T04:00:00Z') + i * 60_000).toISOString(),
            }),
          );
          const clock = new TestClock('2027-01-10T00:00:00Z');
          useClock(clock);
          let first: { amount: number; at: string; description: string } | undefined;
          for (const [k, d] of deliveries.entries()) {
            clock.set(new Date(Date.parse('2027-01-10T00:00:00Z') + k * 3_600_000));
            await ingest(recs[d % recs.length]);
            const entries = (await ledger().list(tenantId, 100, undefined)).items;
            const call = entries.find((e) => e.kind === 'call');
            const item = await callItem(contactId);
            if (item && Number(item.ledgerAmount) !== 0) {
              const view = {
                amount: call?.amount ?? 0,
                at: call?.at ?? '',
                description: call?.description ?? '',
              };
              first ??= view;
              expect(view).toEqual(first);
            }
            for (const e of entries.filter((x) => x.kind === 'call_adjustment'))
              expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse('2027-01-10T00:00:00Z'));
          }
          await expectInvariants(tenantId);
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
