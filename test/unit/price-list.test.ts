/**
 * One price list: what search and applications quote is what rating charges, for every segment, plan,
 * off-peak band and distance (issue 13). A call of one whole minute, no included minutes left, is rated
 * at an instant inside each band (and at one outside every band) and compared with the quote.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_NUMBERS_CONFIG, planOf, SEGMENTS } from '../../shared/domain/numbers/config.js';
import { priceOf } from '../../shared/domain/numbers/search.js';
import { pricesPlan } from '../../shared/domain/rating/price-list.js';
import { rateCall } from '../../shared/domain/rating/rate-call.js';
import { tariffBookOf } from '../../shared/domain/rating/tariff.js';

const config = DEFAULT_NUMBERS_CONFIG;
const book = tariffBookOf(config.tariff);
/** Monday 23 November 2026, 00:00 in Shanghai (UTC+8), as epoch ms. */
const MONDAY_MS = Date.parse('2026-11-22T16:00:00Z');
const atLocal = (isoWeekday: number, hour: number) =>
  MONDAY_MS + ((isoWeekday - 1) * 24 + hour) * 3_600_000 + 600_000;

function chargeForOneMinute(segment: string, planId: string, local: boolean, atMs: number): number {
  const rating = rateCall(book.plan(segment, planId), config.tariff.timeZone, {
    answeredAtMs: atMs,
    endedAtMs: atMs + 60_000,
    local,
    recordingSeconds: 0,
    ivr: false,
    includedSecondsLeft: 0,
  });
  return rating.amount;
}

describe('the price list', () => {
  it('prices every plan every segment offers itself, never through a fallback plan', () => {
    for (const segment of SEGMENTS) {
      for (const plan of config.tariffs[segment].plans) {
        expect(pricesPlan(book, segment, plan.id), `${segment}/${plan.id}`).toBe(true);
      }
    }
  });

  it('quotes what rating charges, for every segment × plan × band × distance', () => {
    let compared = 0;
    for (const segment of SEGMENTS) {
      const quote = priceOf({ segment, selectionFee: 0 }, config);
      expect(quote.plans.map((p) => p.id)).toEqual(config.tariffs[segment].plans.map((p) => p.id));
      for (const plan of quote.plans) {
        const compiled = book.plan(segment, plan.id);
        // Full rate: the first hour of the week no band discounts.
        const fullKey = compiled.chargedPercent.indexOf(100);
        const fullAt = atLocal(Math.floor(fullKey / 24) + 1, fullKey % 24);
        expect(chargeForOneMinute(segment, plan.id, true, fullAt)).toBe(plan.perMinute.localPerMinute);
        expect(chargeForOneMinute(segment, plan.id, false, fullAt)).toBe(
          plan.perMinute.longDistancePerMinute,
        );
        compared += 2;
        for (const band of plan.perMinute.offPeak) {
          for (const weekday of band.weekdays) {
            for (let hour = band.fromHour; hour < band.toHour; hour++) {
              // Later bands win where bands overlap: compare where this band is the one in force.
              if (compiled.chargedPercent[(weekday - 1) * 24 + hour] !== 100 - band.discountPercent) continue;
              const at = atLocal(weekday, hour);
              expect(
                chargeForOneMinute(segment, plan.id, true, at),
                `${segment}/${plan.id}/${band.name}`,
              ).toBe(band.localPerMinute);
              expect(chargeForOneMinute(segment, plan.id, false, at)).toBe(band.longDistancePerMinute);
              compared += 2;
            }
          }
        }
        expect(plan.includedMinutes).toBe(compiled.includedMinutes);
        expect(plan.perMinute.tariffVersion).toBe(config.tariff.version);
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('contracts the included minutes rating grants', () => {
    for (const segment of SEGMENTS) {
      for (const terms of config.tariffs[segment].plans) {
        expect(planOf(config, segment, terms.id)?.includedMinutes).toBe(
          book.plan(segment, terms.id).includedMinutes,
        );
      }
    }
    expect(planOf(config, '4008', 'no-such-plan')).toBeUndefined();
  });
});
