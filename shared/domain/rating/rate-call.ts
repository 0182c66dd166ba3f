/**
 * Rating one call: pure, allocation-light, integer arithmetic only.
 * Billable time runs from the answer (transfer completed or agent connected) to the disconnect, counted
 * in the plan's increments; each increment is priced at the band its first second falls in, so a call
 * crossing a band boundary is split across bands. Included minutes are consumed first. Unanswered calls
 * cost nothing.
 */
import { localWeekdayHour } from '../zoned-time.js';
import type { CompiledPlan } from './tariff.js';

export interface RatingInput {
  /** Epoch ms the call was answered; undefined for a missed call. */
  readonly answeredAtMs: number | undefined;
  readonly endedAtMs: number;
  /** Caller and answer number are in the same city. */
  readonly local: boolean;
  /** Seconds recorded (value-added), 0 when not recorded. */
  readonly recordingSeconds: number;
  /** The call went through an IVR menu (value-added). */
  readonly ivr: boolean;
  /** Included plan seconds still unused this month. */
  readonly includedSecondsLeft: number;
}

export interface Rating {
  readonly answered: boolean;
  /** Seconds from answer to disconnect. */
  readonly billableSeconds: number;
  /** Billable seconds rounded to the plan's increments. */
  readonly billedSeconds: number;
  readonly includedSecondsUsed: number;
  /** Billed seconds priced below the full rate (off-peak bands). */
  readonly discountedSeconds: number;
  readonly usageAmount: number;
  readonly connectFee: number;
  readonly valueAddedAmount: number;
  /** Total in fen: usage + connect fee + value-added. */
  readonly amount: number;
}

const MISSED: Rating = {
  answered: false,
  billableSeconds: 0,
  billedSeconds: 0,
  includedSecondsUsed: 0,
  discountedSeconds: 0,
  usageAmount: 0,
  connectFee: 0,
  valueAddedAmount: 0,
  amount: 0,
};

function roundUnits(seconds: number, increment: number, rounding: CompiledPlan['rounding']): number {
  const exact = seconds / increment;
  if (rounding === 'up') return Math.ceil(exact);
  if (rounding === 'down') return Math.floor(exact);
  return Math.round(exact);
}

/** Seconds a call bills (its increments), whatever part of them included minutes cover; 0 when missed. */
export function billedSecondsOf(
  plan: CompiledPlan,
  answeredAtMs: number | undefined,
  endedAtMs: number,
): number {
  if (answeredAtMs === undefined || !(endedAtMs >= answeredAtMs)) return 0;
  const seconds = Math.floor((endedAtMs - answeredAtMs) / 1000);
  return roundUnits(seconds, plan.incrementSeconds, plan.rounding) * plan.incrementSeconds;
}

/** fen × seconds × percent, per minute, to whole fen (half up): the one rounding of usage. */
function fenOf(scaled: number): number {
  return Math.floor((scaled + 3000) / 6000);
}

/** What one whole minute costs at `rate` fen per minute when `percent` of the rate is charged. */
export function minuteCharge(rate: number, percent: number): number {
  return fenOf(rate * 60 * percent);
}

export function rateCall(plan: CompiledPlan, zone: string, input: RatingInput): Rating {
  const answeredAt = input.answeredAtMs;
  if (answeredAt === undefined || !(input.endedAtMs >= answeredAt)) return MISSED;
  const billableSeconds = Math.floor((input.endedAtMs - answeredAt) / 1000);
  const increment = plan.incrementSeconds;
  const units = roundUnits(billableSeconds, increment, plan.rounding);
  const freeUnits = Math.min(units, Math.max(0, Math.floor(input.includedSecondsLeft / increment)));
  const rate = input.local ? plan.localPerMinute : plan.longDistancePerMinute;
  // Accumulated in fen × seconds × percent per minute; divided once at the end so nothing is lost to rounding.
  let scaled = 0;
  let discountedUnits = 0;
  if (rate > 0) {
    const unitMs = increment * 1000;
    let bandKey = -1;
    let bandEndsAt = 0;
    let percent = 100;
    for (let i = freeUnits; i < units; i++) {
      const start = answeredAt + i * unitMs;
      if (start >= bandEndsAt) {
        const { weekday, hour } = localWeekdayHour(zone, start);
        const key = (weekday - 1) * 24 + hour;
        if (key !== bandKey) {
          bandKey = key;
          percent = plan.chargedPercent[key] ?? 100;
        }
        // Local hours start on a quarter-hour in every zone, so the band holds at least until the next one.
        bandEndsAt = start - (start % 900_000) + 900_000;
      }
      scaled += rate * increment * percent;
      if (percent < 100) discountedUnits++;
    }
  }
  const usageAmount = fenOf(scaled);
  const recordingMinutes = input.recordingSeconds > 0 ? Math.ceil(input.recordingSeconds / 60) : 0;
  const valueAddedAmount = recordingMinutes * plan.recordingPerMinute + (input.ivr ? plan.ivrPerCall : 0);
  return {
    answered: true,
    billableSeconds,
    billedSeconds: units * increment,
    includedSecondsUsed: freeUnits * increment,
    discountedSeconds: discountedUnits * increment,
    usageAmount,
    connectFee: plan.connectFee,
    valueAddedAmount,
    amount: usageAmount + plan.connectFee + valueAddedAmount,
  };
}
