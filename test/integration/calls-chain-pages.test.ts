/**
 * Issue 13 item 8 on the embedded engine: `GET /v1/calls` pages never split a transfer chain. A chain is one
 * call listed where its first segment started (newest first), with every segment and the chain's total; the
 * next page repeats and loses nothing. The calls, on 6 January 2027 (UTC), range 09:30–10:25:
 *
 *   Z1 09:00 (before the range) ─ Z2 09:31          chain Z: belongs to the range of 09:00, not this one
 *   V9 09:35:00.000 ─ V1 09:35:00.000               chain V: both started in the same millisecond
 *   B  09:40–09:42                                  a call
 *   W1 (parked, not stored) ─ W2 09:45 ─ W3 09:47   chain W: listed at W2, its oldest stored segment
 *   X1 09:50–09:55 ─ X2 09:55–10:05 ─ X3 10:05–10:08 chain X, with A started between X2 and X3
 *   A  10:00–10:02                                  a call
 *   Y1 10:20–10:26 ─ Y2 10:26–10:30                 chain Y: Y2 starts after the range, still Y's
 *
 * Newest first by first segment: Y, A, X, W, B, V. In index order (by segment start) X3 comes before A and X1
 * after it, so a page of two calls cut by segments would end inside X.
 */
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callItem } from '../../shared/adapters/dynamo/call-ingest.js';
import { DynamoCalls } from '../../shared/adapters/dynamo/call-queries.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { type ChainedCallView, listCalls } from '../../shared/app/calls/list-calls.js';
import { tableName } from '../../shared/config.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';
import { groupChains } from '../../shared/domain/calls/chains.js';
import { money } from '../../shared/runtime/money.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

const TENANT = 'chain-t';
const NUMBER = '4006300001';
const NOW = new Date('2027-01-11T04:00:00Z');
const at = (hhmm: string) => `2027-01-06T${hhmm}:00.000Z`;

let db: TestDatabase;

function segment(
  contactId: string,
  start: string,
  end: string,
  amount: number,
  initialContactId?: string,
  tenantId = TENANT,
): CallRecord {
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  return {
    contactId,
    tenantId,
    number: NUMBER,
    accessNumber: '+6532300001',
    caller: '+862161234567',
    startedAt: start,
    answeredAt: start,
    endedAt: end,
    day: '2027-01-06',
    durationSeconds: seconds,
    billedSeconds: seconds,
    includedSecondsUsed: 0,
    amount,
    missed: false,
    local: false,
    ivr: false,
    recordingSeconds: 0,
    segment: '4006',
    plan: 'payg',
    tariffVersion: 'default',
    lastUpdatedAt: end,
    ...(initialContactId ? { initialContactId } : {}),
  };
}

const SEGMENTS = [
  segment('Z1', at('09:00'), at('09:32'), 80),
  segment('Z2', at('09:31'), at('09:33'), 5, 'Z1'),
  segment('V9', at('09:35'), at('09:37'), 10),
  segment('V1', at('09:35'), at('09:38'), 5, 'V9'),
  segment('B', at('09:40'), at('09:42'), 50),
  segment('W2', at('09:45'), at('09:48'), 20, 'W1'),
  segment('W3', at('09:47'), at('09:52'), 25, 'W1'),
  segment('X1', at('09:50'), at('09:55'), 30),
  segment('X2', at('09:55'), at('10:05'), 60, 'X1'),
  segment('X3', at('10:05'), at('10:08'), 15, 'X1'),
  segment('A', at('10:00'), at('10:02'), 50),
  segment('Y1', at('10:20'), at('10:26'), 40),
  segment('Y2', at('10:26'), at('10:30'), 20, 'Y1'),
];

/** What the range lists, newest first: each call's segments (oldest first) and its total charge. */
const EXPECTED = [
  { chainId: 'Y1', segments: ['Y1', 'Y2'], charge: 60 },
  { chainId: 'A', segments: ['A'], charge: 50 },
  { chainId: 'X1', segments: ['X1', 'X2', 'X3'], charge: 105 },
  { chainId: 'W1', segments: ['W2', 'W3'], charge: 45 },
  { chainId: 'B', segments: ['B'], charge: 50 },
  { chainId: 'V9', segments: ['V9', 'V1'], charge: 15 },
];

const shape = (c: ChainedCallView) => ({
  chainId: c.chainId,
  segments: (c.segments ?? [c]).map((s) => s.contactId),
  charge: c.charge,
});

async function pages(limit: number, from = at('09:30'), to = at('10:25'), tenantId = TENANT) {
  const out: ReturnType<typeof shape>[][] = [];
  let cursor: string | undefined;
  do {
    const page = await money.listCalls({
      tenantId,
      number: NUMBER,
      from,
      to,
      limit,
      now: NOW,
      ...(cursor ? { cursor } : {}),
    });
    out.push(page.items.map(shape));
    cursor = page.nextCursor;
  } while (cursor && out.length < 20);
  return out;
}

async function store(records: readonly CallRecord[]) {
  const items = records.map((r) =>
    callItem(r, { amount: r.amount, at: r.endedAt, description: 'call' }, 400),
  );
  for (let i = 0; i < items.length; i += 25)
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName('ledger')]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
}

beforeAll(async () => {
  db = await startTestDatabase();
  await store(SEGMENTS);
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${NUMBER}`,
        sk: 'NUMBER',
        type: 'number',
        number: NUMBER,
        status: 'active',
        tenantId: TENANT,
      },
    }),
  );
});
afterAll(() => db.stop());

describe('transfer chains across pages of /v1/calls', () => {
  it('pages of two calls: a chain straddling a page boundary stays whole, nothing repeated or lost', async () => {
    expect(await pages(2)).toEqual([
      [EXPECTED[0], EXPECTED[1]],
      [EXPECTED[2], EXPECTED[3]],
      [EXPECTED[4], EXPECTED[5]],
      // Z2 is still below: a page cannot know it is listed in another range until it reads it.
      [],
    ]);
  });

  it('every page size lists the same calls in the same order, each segment once', async () => {
    for (const limit of [1, 3, 4, 5, 6, 100]) {
      const all = (await pages(limit)).flat();
      expect(all, `limit ${limit}`).toEqual(EXPECTED);
      expect(all.flatMap((c) => c.segments).sort()).toEqual(
        ['A', 'B', 'V1', 'V9', 'W2', 'W3', 'X1', 'X2', 'X3', 'Y1', 'Y2'].sort(),
      );
    }
  });

  it('a chain belongs to the range its first segment started in: Z shows from 09:00, whole', async () => {
    const early = (await pages(2, at('08:00'), at('09:34'))).flat();
    expect(early).toEqual([{ chainId: 'Z1', segments: ['Z1', 'Z2'], charge: 85 }]);
    // The chain as one call: first segment's start, last segment's end, the sum of talk and charge.
    const page = await money.listCalls({
      tenantId: TENANT,
      number: NUMBER,
      from: at('09:30'),
      to: at('10:25'),
      limit: 3,
      now: NOW,
    });
    expect(page.items[2]).toMatchObject({
      chainId: 'X1',
      contactId: 'X1',
      startedAt: at('09:50'),
      endedAt: at('10:08'),
      durationSeconds: 300 + 600 + 180,
      charge: 105,
    });
  });

  it('reports count a chain across midnight once, whole, on the day its first segment started', async () => {
    // 23:58–00:01 and 00:01–00:05 in Shanghai (6–7 January): 180 s for 45 fen, then 240 s for 60 fen.
    await store([
      segment('M1', '2027-01-06T15:58:00.000Z', '2027-01-06T16:01:00.000Z', 45),
      segment('M2', '2027-01-06T16:01:00.000Z', '2027-01-06T16:05:00.000Z', 60, 'M1'),
    ]);
    const report = async (from: string, to: string) =>
      (await money.dailyReport({ tenantId: TENANT, number: NUMBER, from, to, now: NOW })).totals;
    expect(await report('2027-01-07', '2027-01-07')).toEqual({
      calls: 0,
      answered: 0,
      missed: 0,
      talkSeconds: 0,
      charge: 0,
    });
    // The 6th (Shanghai) also holds the 7 calls of 09:00–10:30 UTC above: 4,740 s, 410 fen (Z 2,040 s and 85;
    // V 300 and 15; B 120 and 50; W 480 and 45; X 1,080 and 105; A 120 and 50; Y 600 and 60).
    const sixth = await report('2027-01-06', '2027-01-06');
    expect(sixth).toEqual({ calls: 8, answered: 8, missed: 0, talkSeconds: 4_740 + 420, charge: 410 + 105 });
    expect(await report('2027-01-06', '2027-01-07')).toEqual(sixth);
  });

  it('property: for any chains (orphans, ties, a range cutting them) and page size, the pages list each call once, whole, newest first, and reports read the same calls', async () => {
    const calls = new DynamoCalls();
    const chainArb = fc.record({
      startSecond: fc.integer({ min: 0, max: 7_200 }),
      durations: fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 3 }),
      // Where in the previous segment the next one starts: 0 is the same millisecond.
      transfers: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }),
      orphan: fc.boolean(),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(chainArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 3_600 }),
        fc.integer({ min: 0, max: 7_200 }),
        fc.integer({ min: 1, max: 5 }),
        async (chains, fromSecond, spanSeconds, limit) => {
          const tenantId = `chain-p${++run}`;
          const base = Date.parse('2027-01-06T08:00:00Z');
          const iso = (ms: number) => new Date(ms).toISOString();
          const stored: CallRecord[] = [];
          const expected: { sk: string; chainId: string; segments: string[]; firstStart: string }[] = [];
          chains.forEach((chain, i) => {
            const first = `p${run}c${i}s0`;
            let start = base + chain.startSecond * 1000;
            const mine: CallRecord[] = [];
            chain.durations.forEach((duration, k) => {
              if (k > 0) {
                const previous = chain.durations[k - 1] as number;
                start += Math.floor((chain.transfers[k - 1] as number) * previous) * 1000;
              }
              mine.push(
                segment(
                  `p${run}c${i}s${k}`,
                  iso(start),
                  iso(start + duration * 1000),
                  10 * (k + 1),
                  k > 0 ? first : undefined,
                  tenantId,
                ),
              );
            });
            // An orphan chain: its first segment never stored (parked, expired).
            const kept = chain.orphan && mine.length > 1 ? mine.slice(1) : mine;
            stored.push(...kept);
            const opener = [...kept].sort((a, b) =>
              `${a.startedAt}#${a.contactId}` < `${b.startedAt}#${b.contactId}` ? -1 : 1,
            )[0] as CallRecord;
            expected.push({
              sk: `${opener.startedAt}#${opener.contactId}`,
              chainId: first,
              segments: kept.map((c) => c.contactId).sort(),
              firstStart: opener.startedAt,
            });
          });
          await store(stored);
          const from = iso(base + fromSecond * 1000);
          const to = iso(base + (fromSecond + spanSeconds) * 1000);
          const want = expected
            .filter((c) => c.firstStart >= from && c.firstStart <= to)
            .sort((a, b) => (a.sk < b.sk ? 1 : -1))
            .map(({ chainId, segments }) => ({ chainId, segments }));
          const got: { chainId: string; segments: string[] }[] = [];
          let cursor: string | undefined;
          for (let n = 0; n < 30; n++) {
            const page = await listCalls(
              {
                calls,
                numbers: { get: async () => undefined, history: async () => [] },
                accounts: { callNumbers: async () => [NUMBER] },
              },
              { tenantId, number: NUMBER, from, to, limit, now: NOW, ...(cursor ? { cursor } : {}) },
            );
            expect(page.items.length).toBeLessThanOrEqual(limit);
            for (const c of page.items)
              got.push({ chainId: c.chainId, segments: (c.segments ?? [c]).map((s) => s.contactId).sort() });
            cursor = page.nextCursor;
            if (!cursor) break;
          }
          expect(got).toEqual(want);
          // Reports read the same calls: each chain once, whole.
          const reported = groupChains(
            (await calls.forReport({ tenantId, number: NUMBER, from, to, now: NOW })) as CallRecord[],
          ).map((c) => ({ chainId: c.chainId, segments: c.segments.map((x) => x.contactId).sort() }));
          const byId = (a: { chainId: string }, b: { chainId: string }) => (a.chainId < b.chainId ? -1 : 1);
          expect(reported.sort(byId)).toEqual([...want].sort(byId));
        },
      ),
      { numRuns: Number(process.env.CHAIN_PAGE_RUNS ?? 40), seed: Number(process.env.CHAIN_PAGE_SEED ?? 8) },
    );
  }, 120_000);
});
