/**
 * The ledger's invariant under any delivery pattern: for any interleaving of duplicated, reordered and
 * updated contact records and (repeated) top-ups, delivered in batches of any size,
 *   balance − owed = opening + top-ups − charges ± adjustments,
 * the ledger's entries sum to it, and every ContactId is charged at most once (its final amount is the
 * rating of its newest record).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { geoRegions } from '../../shared/adapters/dynamo/call-regions.js';
import { parseContactRecord } from '../../shared/domain/calls/contact-record.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { rateCall } from '../../shared/domain/rating/rate-call.js';
import { TariffBook } from '../../shared/domain/rating/tariff.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest as ingestRoot } from '../../shared/runtime/ingest.js';
import { ledger } from '../../shared/runtime/money.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { account, answeredCall, bindNumbers, callItem, ledgerSum } from './ingest-fixtures.js';

const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 1000);
const book = new TariffBook(DEFAULT_TARIFF);
const ingest = { ingest: ingestRoot.ingestContactRecords };
let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  // The records are of 24 November 2026: charged the next day, whatever day the tests run.
  useClock(new TestClock('2026-11-25T04:00:00Z'));
  useLocalNotifier();
});

const expectedAmount = (record: Record<string, unknown>) => {
  const parsed = parseContactRecord(record);
  if (parsed.kind !== 'call') throw new Error('fixture record did not parse');
  const c = parsed.contact;
  return rateCall(book.plan('4008', undefined), book.tariff.timeZone, {
    answeredAtMs: c.answeredMs,
    endedAtMs: c.endedMs,
    local: geoRegions.isLocal(c.caller, c.answerNumber),
    recordingSeconds: c.recordingSeconds,
    ivr: c.ivr,
    includedSecondsLeft: 0,
  }).amount;
};

const versionArb = fc.record({
  seconds: fc.integer({ min: 0, max: 1500 }),
  recording: fc.boolean(),
  missed: fc.boolean(),
});
const scenarioArb = fc.record({
  opening: fc.integer({ min: 0, max: 20_000 }),
  contacts: fc.array(fc.array(versionArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
  topUps: fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 3 }),
  // Deliveries: which contact, which version, repeated and in any order; top-ups (repeatable) among them.
  events: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('record' as const), contact: fc.nat(), version: fc.nat() }),
      fc.record({ kind: fc.constant('topup' as const), topUp: fc.nat() }),
      fc.record({ kind: fc.constant('cut' as const) }),
    ),
    { minLength: 1, maxLength: 14 },
  ),
});

let scenario = 0;

describe('ledger invariant (property, real engine)', () => {
  it(`holds for any interleaving of duplicated, reordered, updated records and top-ups (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const n = ++scenario;
        const tenantId = `prop-${n}`;
        const accessNumber = `+65${String(70_000_000 + n)}`;
        await bindNumbers([{ tenantId, number400: `4008${String(n).padStart(6, '0')}`, accessNumber }]);
        if (s.opening > 0)
          await ledger().post([
            {
              tenantId,
              key: 'opening#p',
              kind: 'adjustment',
              amount: s.opening,
              at: '2026-11-01T00:00:00Z',
              description: 'opening',
            },
          ]);
        const versions = s.contacts.map((vs, ci) =>
          vs.map((v, vi) => {
            const r = answeredCall(accessNumber, {
              contactId: `p${n}-c${ci}`,
              seconds: v.seconds,
              recording: v.recording,
              lastUpdate: new Date(Date.parse('2026-11-24T05:00:00Z') + vi * 60_000).toISOString(),
            });
            return v.missed ? { ...r, TransferCompletedTimestamp: null, TransferredToEndpoint: null } : r;
          }),
        );
        const newestDelivered = new Map<number, number>();
        const topUpsPosted = new Set<number>();
        let batch: unknown[] = [];
        let seq = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          const result = await ingest.ingest(
            batch.map((data) => ({ id: String(++seq), data: JSON.stringify(data) })),
          );
          expect(result.failures).toEqual([]);
          batch = [];
        };
        for (const e of s.events) {
          if (e.kind === 'record') {
            const ci = e.contact % versions.length;
            const list = versions[ci] ?? [];
            const vi = e.version % list.length;
            batch.push(list[vi]);
            newestDelivered.set(ci, Math.max(newestDelivered.get(ci) ?? -1, vi));
          } else if (e.kind === 'topup' && s.topUps.length > 0) {
            await flush();
            const ti = e.topUp % s.topUps.length;
            await ledger().post([
              {
                tenantId,
                key: `topup#p${ti}`,
                kind: 'top_up',
                amount: s.topUps[ti] ?? 0,
                at: '2026-11-24T06:00:00Z',
                description: 't',
              },
            ]);
            topUpsPosted.add(ti);
          } else await flush();
        }
        await flush();

        let charges = 0;
        for (const [ci, vi] of newestDelivered) {
          const record = versions[ci]?.[vi] as Record<string, unknown>;
          const item = await callItem(String(record.ContactId));
          expect(item?.amount).toBe(expectedAmount(record));
          charges += item?.amount ?? 0;
        }
        const topUps = [...topUpsPosted].reduce((sum, ti) => sum + (s.topUps[ti] ?? 0), 0);
        const acct = await account(tenantId);
        const net = (acct.balance ?? 0) - (acct.owed ?? 0);
        expect(net).toBe(s.opening + topUps - charges);
        expect(acct.balance ?? 0).toBeGreaterThanOrEqual(0);
        expect((await ledgerSum(tenantId)).sum).toBe(net);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
