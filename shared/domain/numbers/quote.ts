/**
 * What a quote discloses beyond the prices in force: the changes stored tariff versions already schedule
 * for the quoted plan (configInForce's later versions). The contract an approval writes carries the same
 * rent changes (`scheduledPriceChanges`), so a prospect is shown every price it will be charged.
 */
import type { PriceChange, SegmentRates } from '../billing/tariffs.js';
import { type PlanPrice, planPrice } from '../rating/price-list.js';
import { tariffBookOf } from '../rating/tariff.js';
import type { ApplicationStatus } from './applications.js';
import { type NumbersConfig, type PlanConfig, planOf, type Segment } from './config.js';

/** One scheduled change of a quoted plan: only the prices it changes. */
export interface ScheduledChange {
  readonly effectiveFrom: string;
  readonly monthlyRent?: number;
  readonly minimumMonthlySpend?: number;
  readonly retentionFeePerMonth?: number;
  /** The plan's new full-rate per-minute prices in the quoted segment (fen). */
  readonly perMinute?: SegmentRates;
}

/** The plan's rent, minimum-spend and retention changes effective after `after` (a local date), oldest first. */
export function scheduledPriceChanges(
  config: NumbersConfig,
  planId: string,
  after = '',
): readonly PriceChange[] {
  return (config.laterPriceChanges?.[planId] ?? []).filter((c) => c.effectiveFrom > after);
}

/** Every change scheduled for the plan in the segment, by effective date (empty when none). */
export function scheduledChanges(config: NumbersConfig, segment: Segment, planId: string): ScheduledChange[] {
  const byDate = new Map<string, ScheduledChange>();
  const merge = (effectiveFrom: string, change: Omit<ScheduledChange, 'effectiveFrom'>) =>
    byDate.set(effectiveFrom, { ...(byDate.get(effectiveFrom) ?? { effectiveFrom }), ...change });
  for (const c of scheduledPriceChanges(config, planId)) {
    merge(c.effectiveFrom, {
      ...(c.monthlyRent !== undefined ? { monthlyRent: c.monthlyRent } : {}),
      ...(c.minimumSpend !== undefined ? { minimumMonthlySpend: c.minimumSpend } : {}),
      ...(c.retentionFee !== undefined ? { retentionFeePerMonth: c.retentionFee } : {}),
    });
  }
  for (const { effectiveFrom, rates } of config.laterRateChanges?.[planId] ?? []) {
    const inSegment = rates[segment];
    if (inSegment)
      merge(effectiveFrom, {
        perMinute: {
          localPerMinute: inSegment.localPerMinute,
          longDistancePerMinute: inSegment.longDistancePerMinute,
        },
      });
  }
  return [...byDate.values()].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

/** A plan as quoted: its terms, its per-minute prices in force, and the changes already scheduled for it. */
export type PlanQuote = PlanConfig & {
  readonly perMinute: PlanPrice;
  readonly scheduledChanges: readonly ScheduledChange[];
};

/** The quote of one plan of the segment; undefined when the segment does not offer it. */
export function planQuote(config: NumbersConfig, segment: Segment, planId: string): PlanQuote | undefined {
  const plan = planOf(config, segment, planId);
  if (!plan) return undefined;
  return {
    ...plan,
    perMinute: planPrice(tariffBookOf(config.tariff), segment, plan.id),
    scheduledChanges: scheduledChanges(config, segment, plan.id),
  };
}

/**
 * An application's quote while it awaits a decision: the plan it applies for as search quotes it (from the
 * approval on, the contract states the prices).
 */
export function applicationQuote(
  app: { readonly segment: string; readonly planId: string; readonly status: ApplicationStatus },
  config: NumbersConfig,
): { quote?: PlanQuote } {
  if (app.status === 'approved' || app.status === 'withdrawn') return {};
  const quote = planQuote(config, app.segment as Segment, app.planId);
  return quote ? { quote } : {};
}
