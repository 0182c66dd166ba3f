import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { type RatingInput, rateCall } from '../../shared/domain/rating/rate-call.js';
import {
  compilePlan,
  type PlanTariff,
  TariffBook,
  validateTariff,
} from '../../shared/domain/rating/tariff.js';
import { localDay, localWeekdayHour, nextLocalMidnight } from '../../shared/domain/zoned-time.js';

const ZONE = 'Asia/Shanghai';
const book = new TariffBook(DEFAULT_TARIFF);
const flat: PlanTariff = {
  localPerMinute: 10,
  longDistancePerMinute: 20,
  incrementSeconds: 60,
  rounding: 'up',
  connectFee: 0,
  bands: [],
  includedMinutes: 0,
  recordingPerMinute: 2,
  ivrPerCall: 1,
};
const at = (iso: string) => Date.parse(iso);
const call = (over: Partial<RatingInput>): RatingInput => ({
  answeredAtMs: at('2026-11-24T02:00:00Z'),
  endedAtMs: at('2026-11-24T02:01:00Z'),
  local: false,
  recordingSeconds: 0,
  ivr: false,
  includedSecondsLeft: 0,
  ...over,
});

describe('local time in the business zone', () => {
  it('reads Shanghai weekday and hour (UTC+8)', () => {
    // 2026-11-24 is a Tuesday; 13:30 UTC is 21:30 in Shanghai.
    expect(localWeekdayHour(ZONE, at('2026-11-24T13:30:00Z'))).toEqual({ weekday: 2, hour: 21 });
    expect(localWeekdayHour(ZONE, at('2026-11-28T16:00:00Z'))).toEqual({ weekday: 7, hour: 0 });
    expect(localDay(ZONE, at('2026-11-24T16:00:00Z'))).toBe('2026-11-25');
    expect(new Date(nextLocalMidnight(ZONE, at('2026-11-24T10:00:00Z'))).toISOString()).toBe(
      '2026-11-24T16:00:00.000Z',
    );
  });
});

describe('rateCall', () => {
  it('rates the forwarded fixture: answered 02:15:19Z, ended 02:19:41Z → 262 s → 5 whole minutes, long distance on 4008', () => {
    const plan = book.plan('4008', undefined);
    const r = rateCall(
      plan,
      ZONE,
      call({ answeredAtMs: at('2026-11-24T02:15:19Z'), endedAtMs: at('2026-11-24T02:19:41Z') }),
    );
    expect(r.billableSeconds).toBe(262);
    expect(r.billedSeconds).toBe(300);
    expect(r.amount).toBe(5 * 30);
  });

  it('charges nothing for a missed call', () => {
    const r = rateCall(
      book.plan('4008', undefined),
      ZONE,
      call({ answeredAtMs: undefined, recordingSeconds: 30, ivr: true }),
    );
    expect(r).toMatchObject({ answered: false, amount: 0 });
  });

  it('splits a call crossing the 21:00 off-peak boundary across bands', () => {
    // 20:58–21:02 Shanghai on a Tuesday: two peak minutes at 30, two off-peak at 30 × 70 % = 21.
    const plan = book.plan('4008', 'payg');
    const r = rateCall(
      plan,
      ZONE,
      call({ answeredAtMs: at('2026-11-24T12:58:00Z'), endedAtMs: at('2026-11-24T13:02:00Z') }),
    );
    expect(r.billedSeconds).toBe(240);
    expect(r.amount).toBe(30 + 30 + 21 + 21);
    expect(r.discountedSeconds).toBe(120);
  });

  it('uses included minutes first and value-added charges on top', () => {
    const plan = compilePlan('4008', 'x', { ...flat, includedMinutes: 3, connectFee: 5 });
    const r = rateCall(
      plan,
      ZONE,
      call({
        endedAtMs: at('2026-11-24T02:05:00Z'),
        includedSecondsLeft: 180,
        recordingSeconds: 61,
        ivr: true,
      }),
    );
    expect(r.includedSecondsUsed).toBe(180);
    expect(r.usageAmount).toBe(2 * 20);
    expect(r.amount).toBe(40 + 5 + 2 * 2 + 1);
  });

  it('rounds to the increment as configured', () => {
    const plan = (rounding: PlanTariff['rounding'], incrementSeconds: number) =>
      compilePlan('4008', rounding, { ...flat, rounding, incrementSeconds });
    const c = call({ endedAtMs: at('2026-11-24T02:01:31Z') });
    expect(rateCall(plan('up', 60), ZONE, c).billedSeconds).toBe(120);
    expect(rateCall(plan('down', 60), ZONE, c).billedSeconds).toBe(60);
    expect(rateCall(plan('nearest', 60), ZONE, c).billedSeconds).toBe(120);
    expect(rateCall(plan('up', 6), ZONE, c).billedSeconds).toBe(96);
    // 6-second increments at 20 fen/min: 16 units × 2 fen.
    expect(rateCall(plan('up', 6), ZONE, c).amount).toBe(32);
  });

  const inputs = fc.record({
    answeredAtMs: fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
    seconds: fc.integer({ min: 0, max: 6 * 3600 }),
    local: fc.boolean(),
    recordingSeconds: fc.integer({ min: 0, max: 3600 }),
    ivr: fc.boolean(),
    includedSecondsLeft: fc.integer({ min: 0, max: 100_000 }),
    segment: fc.constantFrom('4008', '4009', '4006', '4000', '4001', '4007', '4123'),
    plan: fc.constantFrom('payg', 'basic', 'business', 'enterprise', 'unknown'),
  });

  it('always produces whole non-negative fen, and the parts add up', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const r = rateCall(book.plan(i.segment, i.plan), ZONE, {
          ...i,
          endedAtMs: i.answeredAtMs + i.seconds * 1000,
        });
        expect(Number.isSafeInteger(r.amount) && r.amount >= 0).toBe(true);
        expect(r.amount).toBe(r.usageAmount + r.connectFee + r.valueAddedAmount);
        expect(r.billedSeconds).toBeGreaterThanOrEqual(r.billableSeconds);
        expect(r.includedSecondsUsed).toBeLessThanOrEqual(Math.min(i.includedSecondsLeft, r.billedSeconds));
      }),
      { numRuns: 1000 },
    );
  });

  it('a longer call never costs less, long distance never less than local, included minutes never add cost', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 3600 }), (i, extra) => {
        const plan = book.plan(i.segment, i.plan);
        const base = { ...i, endedAtMs: i.answeredAtMs + i.seconds * 1000 };
        const r = rateCall(plan, ZONE, base);
        expect(
          rateCall(plan, ZONE, { ...base, endedAtMs: base.endedAtMs + extra * 1000 }).amount,
        ).toBeGreaterThanOrEqual(r.amount);
        expect(rateCall(plan, ZONE, { ...base, local: false }).amount).toBeGreaterThanOrEqual(
          rateCall(plan, ZONE, { ...base, local: true }).amount,
        );
        expect(rateCall(plan, ZONE, { ...base, includedSecondsLeft: 0 }).amount).toBeGreaterThanOrEqual(
          r.amount,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('is bounded by the full and the deepest-discount rate per billed minute', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const plan = book.plan(i.segment, i.plan);
        const r = rateCall(plan, ZONE, {
          ...i,
          includedSecondsLeft: 0,
          endedAtMs: i.answeredAtMs + i.seconds * 1000,
        });
        const rate = i.local ? plan.localPerMinute : plan.longDistancePerMinute;
        const minutes = r.billedSeconds / 60;
        expect(r.usageAmount).toBeLessThanOrEqual(Math.ceil(rate * minutes));
        expect(r.usageAmount).toBeGreaterThanOrEqual(Math.floor(rate * minutes * 0.7));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('tariff configuration', () => {
  it('refuses fractional money and bad bands', () => {
    const bad = (p: Partial<PlanTariff>) => ({
      ...DEFAULT_TARIFF,
      segments: { '*': { standard: { ...flat, ...p } } },
    });
    expect(() => validateTariff(bad({ localPerMinute: 0.12 }))).toThrow(/localPerMinute/);
    expect(() => validateTariff(bad({ incrementSeconds: 0 }))).toThrow(/incrementSeconds/);
    expect(() =>
      validateTariff(
        bad({ bands: [{ name: 'x', weekdays: [8], fromHour: 0, toHour: 7, discountPercent: 10 }] }),
      ),
    ).toThrow(/band/);
    expect(validateTariff(DEFAULT_TARIFF)).toBe(DEFAULT_TARIFF);
  });

  it('falls back to the * segment and the default plan', () => {
    expect(book.plan('4123', 'nope')).toMatchObject({ segment: '*', plan: 'payg' });
    expect(book.plan('4008', undefined)).toMatchObject({ segment: '4008', plan: 'payg', includedMinutes: 0 });
    expect(book.plan('4001', 'enterprise')).toMatchObject({
      segment: '4001',
      plan: 'enterprise',
      localPerMinute: 10,
      includedMinutes: 2000,
    });
  });
});
