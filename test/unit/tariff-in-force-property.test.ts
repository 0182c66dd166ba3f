/**
 * Issue 13 item 1 as a property of the pure charge computation: a call's charge is the rating of the tariff
 * in force when it STARTED, whatever instant it is charged at and however the calls are batched.
 * From T = 1 Jan 2027 00:00 Shanghai, 4008 payg long distance goes 30 → 36 fen a minute (local 15 → 14).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geoRegions } from '../../shared/adapters/dynamo/call-regions.js';
import { newAccount, tariffWorstRatePerMinute } from '../../shared/domain/accounts/account.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import type { NormalizedContact } from '../../shared/domain/calls/contact-record.js';
import { type CallToCharge, chargeCalls } from '../../shared/domain/ledger/call-charges.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { tariffBookOf } from '../../shared/domain/rating/tariff.js';
import { tariffAt } from '../../shared/domain/rating/tariff-at.js';

const T = Date.parse('2026-12-31T16:00:00Z');
const versions: TariffVersion[] = [
  {
    planId: 'payg',
    effectiveFrom: '2027-01-01',
    rates: { '4008': { localPerMinute: 14, longDistancePerMinute: 36 } },
    description: '',
    scheduledAt: '2026-11-20T00:00:00Z',
  },
];
const ctx = {
  bookAt: (ms: number) => tariffBookOf(tariffAt(DEFAULT_TARIFF, versions, ms)),
  regions: geoRegions,
};

/** A Shanghai caller answered in Beijing (long distance), `minutes` whole minutes from `answeredMs`. */
function call(id: number, answeredMs: number, minutes: number): CallToCharge {
  const contact: NormalizedContact = {
    contactId: `p-${id}`,
    lastUpdatedAt: new Date(answeredMs + minutes * 60_000 + 30_000).toISOString(),
    lastUpdateMs: answeredMs + minutes * 60_000 + 30_000,
    accessNumber: '+6533000009',
    caller: '+862161234567',
    answeredBy: '+861066661234',
    answerNumber: '+861066661234',
    startedAt: new Date(answeredMs - 10_000).toISOString(),
    startedMs: answeredMs - 10_000,
    answeredMs,
    endedMs: answeredMs + minutes * 60_000,
    recordingSeconds: 0,
    recordingRef: undefined,
    ivr: false,
    initialContactId: undefined,
    disconnectReason: undefined,
  };
  return { contact, number: '4008700009', accessNumber: '+6533000009', segment: '4008', plan: undefined };
}

/** Peak (10:00–11:00 Shanghai, a weekday) minutes before or after T: whole minutes at the full rate. */
const peakStarts = [
  Date.parse('2026-12-29T02:00:00Z'), // Tue 29 Dec 10:00
  Date.parse('2026-12-30T02:30:00Z'), // Wed 30 Dec 10:30
  Date.parse('2026-12-31T02:10:00Z'), // Thu 31 Dec 10:10
  Date.parse('2027-01-04T02:00:00Z'), // Mon 4 Jan 10:00
  Date.parse('2027-01-05T02:20:00Z'), // Tue 5 Jan 10:20
];

describe('a call is charged by the tariff in force at its start', () => {
  it('whatever the ingest instant and batch split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ start: fc.constantFrom(...peakStarts), minutes: fc.integer({ min: 1, max: 30 }) }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 1, max: 12 }),
        (specs, laterMs, split) => {
          const calls = specs.map((s, i) => call(i, s.start, s.minutes));
          // By hand: 30 fen a long-distance minute before T, 36 from T.
          const expected = new Map(
            specs.map((s, i) => [`p-${i}`, s.minutes * (s.start - 10_000 < T ? 30 : 36)]),
          );
          const nowMs = Date.parse('2027-01-06T04:00:00Z') + laterMs;
          let account = { ...newAccount('prop', '2027-01-06'), balance: 1_000_000 };
          const charged = new Map<string, number>();
          for (let i = 0; i < calls.length; i += split) {
            const result = chargeCalls(account, calls.slice(i, i + split), new Map(), ctx, {
              nowMs,
              // As the ingest does: the refusal point of the tariff in force when the money moves.
              refusalRatePerMinute: tariffWorstRatePerMinute(ctx.bookAt(nowMs).tariff),
            });
            account = result.account;
            for (const w of result.writes) charged.set(w.record.contactId, w.record.amount);
          }
          expect(charged).toEqual(expected);
          const total = [...expected.values()].reduce((a, b) => a + b, 0);
          expect(account.balance).toBe(1_000_000 - total);
        },
      ),
      { numRuns: 200 },
    );
  });
});
