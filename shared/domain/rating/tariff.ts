/**
 * The tariff model. Tariffs are configuration (see ./default-tariff.ts, or a version stored in the ops
 * table): per segment and plan, per-minute rates for local and long-distance answers, the billing
 * increment and how time is rounded to it, an optional connect fee, off-peak time bands, included monthly
 * minutes and value-added charges. All money is integer fen; rates are fen per minute.
 */
import { invalid } from '../errors.js';

export type TimeRounding = 'up' | 'nearest' | 'down';

export interface TimeBand {
  readonly name: string;
  /** ISO weekdays the band applies on: 1 = Monday … 7 = Sunday. */
  readonly weekdays: readonly number[];
  /** Local hours [fromHour, toHour); toHour may be 24. */
  readonly fromHour: number;
  readonly toHour: number;
  /** Percentage taken off the per-minute rate inside the band (0–100). */
  readonly discountPercent: number;
}

export interface PlanTariff {
  readonly localPerMinute: number;
  readonly longDistancePerMinute: number;
  /** Billable time is counted in whole increments (60 = whole minutes). */
  readonly incrementSeconds: number;
  readonly rounding: TimeRounding;
  readonly connectFee: number;
  readonly bands: readonly TimeBand[];
  /** Minutes included in the monthly plan, consumed before any per-minute charge. */
  readonly includedMinutes: number;
  /**
   * Whose the included minutes are (shared/domain/ledger/allowances.ts): each number's own every month
   * ('per_number', the default), or one monthly bundle the tenant's numbers on the plan share ('pooled').
   */
  readonly allowance?: 'per_number' | 'pooled';
  /** Value-added: per started minute of recording. */
  readonly recordingPerMinute: number;
  /** Value-added: per call that went through an IVR menu. */
  readonly ivrPerCall: number;
}

export interface Tariff {
  readonly version: string;
  /** IANA zone the time bands are read in. */
  readonly timeZone: string;
  readonly defaultPlan: string;
  /** segment ('4008', …) → plan name → tariff; segment '*' applies when a segment has no entry. */
  readonly segments: Readonly<Record<string, Readonly<Record<string, PlanTariff>>>>;
}

const isWholeFen = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Refuses a tariff that would make rating ambiguous or produce non-integer money. */
export function validateTariff(tariff: Tariff): Tariff {
  if (!tariff.segments['*'] && Object.keys(tariff.segments).length === 0) {
    throw invalid('invalid_tariff', 'a tariff needs at least one segment', 'segments');
  }
  for (const [segment, plans] of Object.entries(tariff.segments)) {
    for (const [plan, p] of Object.entries(plans)) {
      const where = `segments.${segment}.${plan}`;
      for (const key of [
        'localPerMinute',
        'longDistancePerMinute',
        'connectFee',
        'includedMinutes',
        'recordingPerMinute',
        'ivrPerCall',
      ] as const) {
        if (!isWholeFen(p[key]))
          throw invalid(
            'invalid_tariff',
            `${where}.${key} must be a non-negative integer`,
            `${where}.${key}`,
          );
      }
      if (!Number.isSafeInteger(p.incrementSeconds) || p.incrementSeconds < 1 || p.incrementSeconds > 3600) {
        throw invalid(
          'invalid_tariff',
          `${where}.incrementSeconds must be 1–3600`,
          `${where}.incrementSeconds`,
        );
      }
      if (p.allowance !== undefined && p.allowance !== 'per_number' && p.allowance !== 'pooled')
        throw invalid(
          'invalid_tariff',
          `${where}.allowance must be per_number or pooled`,
          `${where}.allowance`,
        );
      if (!['up', 'nearest', 'down'].includes(p.rounding)) {
        throw invalid('invalid_tariff', `${where}.rounding must be up, nearest or down`, `${where}.rounding`);
      }
      for (const band of p.bands) {
        const ok =
          band.weekdays.every((d) => Number.isInteger(d) && d >= 1 && d <= 7) &&
          Number.isInteger(band.fromHour) &&
          Number.isInteger(band.toHour) &&
          band.fromHour >= 0 &&
          band.toHour <= 24 &&
          band.fromHour < band.toHour &&
          Number.isInteger(band.discountPercent) &&
          band.discountPercent >= 0 &&
          band.discountPercent <= 100;
        if (!ok)
          throw invalid('invalid_tariff', `${where}: band ${band.name} is not valid`, `${where}.bands`);
      }
    }
  }
  return tariff;
}

/**
 * A plan made fast to rate: the band discounts flattened into 7×24 percentages so rating one increment is
 * an array read (rating runs at well over a million records per second).
 */
export interface CompiledPlan extends PlanTariff {
  readonly segment: string;
  readonly plan: string;
  /** index (isoWeekday - 1) * 24 + hour → percentage of the rate charged (100 - discount). */
  readonly chargedPercent: Uint8Array;
}

export function compilePlan(segment: string, plan: string, tariff: PlanTariff): CompiledPlan {
  const chargedPercent = new Uint8Array(7 * 24).fill(100);
  // Later bands win where bands overlap, so a tariff can state a general band then exceptions.
  for (const band of tariff.bands) {
    for (const day of band.weekdays) {
      for (let hour = band.fromHour; hour < band.toHour; hour++)
        chargedPercent[(day - 1) * 24 + hour] = 100 - band.discountPercent;
    }
  }
  return { ...tariff, segment, plan, chargedPercent };
}

/** Plans compiled once per tariff and looked up by segment and plan (falling back to '*' and the default plan). */
export class TariffBook {
  private readonly cache = new Map<string, CompiledPlan>();
  constructor(readonly tariff: Tariff) {
    validateTariff(tariff);
  }

  plan(segment: string | undefined, plan: string | undefined): CompiledPlan {
    const cacheKey = `${segment ?? '*'}|${plan ?? ''}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    const segmentKey = segment && this.tariff.segments[segment] ? segment : '*';
    const plans = this.tariff.segments[segmentKey];
    if (!plans) throw invalid('unknown_segment', `no tariff for segment ${segment ?? '(none)'}`, 'segment');
    const planKey = plan && plans[plan] ? plan : this.tariff.defaultPlan;
    const planTariff = plans[planKey];
    if (!planTariff)
      throw invalid(
        'unknown_plan',
        `no tariff for plan ${plan ?? '(none)'} in segment ${segmentKey}`,
        'plan',
      );
    const compiled = compilePlan(segmentKey, planKey, planTariff);
    this.cache.set(cacheKey, compiled);
    return compiled;
  }
}

const books = new WeakMap<Tariff, TariffBook>();

/** The compiled book of a tariff, built once per tariff object (quotes and rating share it). */
export function tariffBookOf(tariff: Tariff): TariffBook {
  let book = books.get(tariff);
  if (!book) {
    book = new TariffBook(tariff);
    books.set(tariff, book);
  }
  return book;
}
