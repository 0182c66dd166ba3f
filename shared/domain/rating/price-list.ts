/**
 * The price list customers are quoted: read from the very tariff rating charges with (TariffBook), so a
 * quote in search or an application is what a call costs, plan by plan and band by band.
 */
import { minuteCharge } from './rate-call.js';
import type { TariffBook } from './tariff.js';

export interface BandPrice {
  readonly name: string;
  /** ISO weekdays (1 = Monday) and local hours [fromHour, toHour) in the tariff's zone. */
  readonly weekdays: readonly number[];
  readonly fromHour: number;
  readonly toHour: number;
  readonly discountPercent: number;
  /** What one whole minute costs inside the band, in fen, as rating computes it. */
  readonly localPerMinute: number;
  readonly longDistancePerMinute: number;
}

export interface PlanPrice {
  readonly tariffVersion: string;
  readonly timeZone: string;
  /** Full-rate charges per minute in fen (answer side). */
  readonly localPerMinute: number;
  readonly longDistancePerMinute: number;
  /** Minutes included each month, used before any per-minute charge. */
  readonly includedMinutes: number;
  /** Billing increment in seconds; a started increment is charged whole. */
  readonly incrementSeconds: number;
  readonly connectFee: number;
  readonly recordingPerMinute: number;
  readonly ivrPerCall: number;
  /** Off-peak bands, each with its discounted per-minute charges. */
  readonly offPeak: readonly BandPrice[];
}

export function planPrice(book: TariffBook, segment: string, planId: string): PlanPrice {
  const plan = book.plan(segment, planId);
  return {
    tariffVersion: book.tariff.version,
    timeZone: book.tariff.timeZone,
    localPerMinute: plan.localPerMinute,
    longDistancePerMinute: plan.longDistancePerMinute,
    includedMinutes: plan.includedMinutes,
    incrementSeconds: plan.incrementSeconds,
    connectFee: plan.connectFee,
    recordingPerMinute: plan.recordingPerMinute,
    ivrPerCall: plan.ivrPerCall,
    offPeak: plan.bands.map((band) => ({
      name: band.name,
      weekdays: band.weekdays,
      fromHour: band.fromHour,
      toHour: band.toHour,
      discountPercent: band.discountPercent,
      localPerMinute: minuteCharge(plan.localPerMinute, 100 - band.discountPercent),
      longDistancePerMinute: minuteCharge(plan.longDistancePerMinute, 100 - band.discountPercent),
    })),
  };
}

/** Whether the tariff prices this plan of this segment itself (rather than falling back to another). */
export function pricesPlan(book: TariffBook, segment: string, planId: string): boolean {
  return book.tariff.segments[segment]?.[planId] !== undefined;
}
