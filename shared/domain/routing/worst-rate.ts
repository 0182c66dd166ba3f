/**
 * The dearest per-minute price a call on this number can cost (fen), from the rating tariff: long distance,
 * no off-peak discount, plus recording when on. Apply stores it in the snapshot so route-call derives
 * maxDurationSeconds without loading the tariff; a plan change takes effect at the next apply.
 */
import { DEFAULT_TARIFF } from '../rating/default-tariff.js';
import type { Tariff } from '../rating/tariff.js';
import { CONSERVATIVE_RATE_PER_MINUTE } from './decision.js';

export function worstRatePerMinute(
  number400: string,
  recording: boolean,
  tariff: Tariff = DEFAULT_TARIFF,
): number {
  const plans = tariff.segments[number400.slice(0, 4)] ?? tariff.segments['*'];
  if (!plans || Object.keys(plans).length === 0) return CONSERVATIVE_RATE_PER_MINUTE;
  let worst = 0;
  for (const plan of Object.values(plans)) {
    const perMinute =
      Math.max(plan.longDistancePerMinute, plan.localPerMinute) + (recording ? plan.recordingPerMinute : 0);
    // Billing rounds up to the increment: a started increment costs a whole minute's worth at most.
    worst = Math.max(worst, perMinute + Math.ceil(plan.connectFee));
  }
  return worst > 0 ? worst : CONSERVATIVE_RATE_PER_MINUTE;
}
