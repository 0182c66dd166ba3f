/**
 * The dearest per-minute price a call on this number can cost (fen), from the rating tariff: long distance,
 * no off-peak discount, plus recording when on. Apply stores it in the snapshot so route-call derives
 * maxDurationSeconds without loading the tariff; a plan change takes effect at the next apply.
 */
import { tariffWorstRatePerMinute } from '../accounts/account.js';
import { DEFAULT_TARIFF } from '../rating/default-tariff.js';
import type { Tariff } from '../rating/tariff.js';
import { CONSERVATIVE_RATE_PER_MINUTE } from './decision.js';
import type { RateStep } from './types.js';

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

/**
 * The snapshot's rate steps: one per tariff in force from the apply on (the tariff then and each stored
 * version taking effect later), so route-call switches to a new price list at its effective instant with
 * no read of its own.
 */
export function rateSteps(
  number400: string,
  recording: boolean,
  tariffs: readonly { readonly from: string; readonly tariff: Tariff }[],
): RateStep[] {
  return tariffs.map(({ from, tariff }) => ({
    from,
    worstRatePerMinute: worstRatePerMinute(number400, recording, tariff),
    refusalRatePerMinute: tariffWorstRatePerMinute(tariff),
  }));
}
