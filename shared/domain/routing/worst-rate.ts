/**
 * The dearest per-minute price a call on this number can cost (fen), from the rating tariff in force (a
 * required argument: no default tariff by omission): long distance, no off-peak discount, plus recording
 * when on. Apply stores it in the snapshot so route-call derives maxDurationSeconds without loading the
 * tariff; a plan change takes effect at the next apply.
 */
import { tariffWorstRatePerMinute } from '../accounts/account.js';
import type { Tariff } from '../rating/tariff.js';
import { CONSERVATIVE_RATE_PER_MINUTE } from './decision.js';
import type { RateStep } from './types.js';

/** A tariff and the instant it takes effect. */
export interface TariffFrom {
  readonly from: string;
  readonly tariff: Tariff;
}

/** The tariff in force at an instant, then each one a stored version brings in later: never empty. */
export type TariffsFrom = readonly [TariffFrom, ...TariffFrom[]];

export function worstRatePerMinute(number400: string, recording: boolean, tariff: Tariff): number {
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
  tariffs: TariffsFrom,
): [RateStep, ...RateStep[]] {
  const step = ({ from, tariff }: TariffFrom): RateStep => ({
    from,
    worstRatePerMinute: worstRatePerMinute(number400, recording, tariff),
    refusalRatePerMinute: tariffWorstRatePerMinute(tariff),
  });
  const [first, ...later] = tariffs;
  return [step(first), ...later.map(step)];
}
