/**
 * Everything about numbers that a product manager may want to change: segments and their tariffs, vanity
 * tiers and their selection fees, which digit pattern earns which tier, plans, and every timer of the
 * lifecycle. Code reads these values; it never hard-codes them. Money is integer fen.
 */
import type { PriceChange, SegmentRates, TariffVersion } from '../billing/tariffs.js';
import { DEFAULT_TARIFF } from '../rating/default-tariff.js';
import type { Tariff } from '../rating/tariff.js';
import { localDay } from '../zoned-time.js';

export const SEGMENTS = ['4001', '4006', '4007', '4008'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const TIER_IDS = ['diamond', 'platinum', 'gold', 'silver', 'bronze', 'standard'] as const;
export type TierId = (typeof TIER_IDS)[number];

export interface TierConfig {
  readonly id: TierId;
  /** 1 is the most valuable; the inventory index sorts by it so the best numbers list first. */
  readonly rank: number;
  readonly label: string;
  /** Selection fee (选号费) in fen. */
  readonly selectionFee: number;
}

/** Digit patterns the classifier recognises (see classifier.ts for what each means). */
export const PATTERN_IDS = [
  'repeat6',
  'repeat5',
  'repeat4',
  'repeat3',
  'run6',
  'run5',
  'run4',
  'pairs3', // AABBCC
  'alternate3', // ABABAB
  'triple2', // AAABBB
  'block3x2', // ABCABC
  'aabb',
  'abab',
  'abba',
  'year',
  'lucky',
] as const;
export type PatternId = (typeof PATTERN_IDS)[number];

export interface PatternRule {
  readonly pattern: PatternId;
  /** Tier when the pattern ends the number (worth more: it is what callers remember). */
  readonly tierAtEnd: TierId;
  /** Tier when it sits anywhere else in the subscriber digits. */
  readonly tierElsewhere: TierId;
}

/** A plan's contract terms. Its per-minute prices and included minutes are the rating tariff's (`tariff`). */
export interface PlanTerms {
  readonly id: string;
  readonly name: string;
  /** Monthly rent in fen. */
  readonly monthlyRent: number;
  /** Minimum monthly spend in fen (0 = none). */
  readonly minimumMonthlySpend: number;
  /** Retention fee per month in fen, when a tariff version set the plan's own (else `retentionFeePerMonth`). */
  readonly retentionFeePerMonth?: number;
}

/** A plan as quoted and contracted: its terms with the included minutes the rating tariff gives it. */
export interface PlanConfig extends PlanTerms {
  readonly includedMinutes: number;
}

export interface SegmentTariff {
  readonly segment: Segment;
  readonly carrier: string;
  readonly plans: readonly PlanTerms[];
}

export interface NumbersConfig {
  readonly tiers: readonly TierConfig[];
  readonly patternRules: readonly PatternRule[];
  readonly tariffs: Readonly<Record<Segment, SegmentTariff>>;
  /** The one price list: rating charges calls with it, and quotes read their per-minute prices from it. */
  readonly tariff: Tariff;
  /**
   * Price changes stored tariff versions bring in after this configuration's instant, by plan (see
   * `configInForce`): a contract signed now carries them, as the tariff job gives every contract in service.
   */
  readonly laterPriceChanges?: Readonly<Record<string, readonly PriceChange[]>>;
  /** Per-minute prices stored tariff versions bring in after this configuration's instant, by plan. */
  readonly laterRateChanges?: Readonly<Record<string, readonly LaterRates[]>>;
  /** The first top-up included in the opening fee, credited to the tenant's balance (fen). */
  readonly firstTopUp: number;
  readonly holdMinutes: number;
  /** Numbers one tenant may hold at once (hoarding guard). */
  readonly holdLimit: number;
  /** A draft application (documents still coming) keeps its number this long, counted as a hold. */
  readonly draftApplicationDays: number;
  /** Documents one application may hold (uploads are storage at the platform's cost). */
  readonly maxDocumentsPerApplication: number;
  readonly quarantineDays: number;
  /** Retention (报停保号) fee per month in fen. */
  readonly retentionFeePerMonth: number;
  /** Longest total retention before the number is cancelled automatically. */
  readonly retentionCapMonths: number;
  readonly cancellationNoticeDays: number;
  /** A tenant whose account stays in arrears this long (from `arrearsSince`) has its numbers stopped. */
  readonly arrearsGraceDays: number;
  /** A number stopped for arrears is restored by a top-up within this window, else cancelled. */
  readonly arrearsRestoreDays: number;
  /** A failed lifecycle side effect (settlement, refund, Connect release, notice) is retried after this many
   * minutes, doubling per attempt up to `effectRetryMaxMinutes`. */
  readonly effectRetryMinutes: number;
  readonly effectRetryMaxMinutes: number;
  readonly minimumContractMonths: number;
  /** Whether a number keeps taking calls while a transfer is pending. */
  readonly serviceDuringTransfer: boolean;
  readonly timeZone: string;
}

/** A stored version's new per-minute prices of one plan, by segment, from its effective date. */
export interface LaterRates {
  readonly effectiveFrom: string;
  readonly rates: Readonly<Record<string, SegmentRates>>;
}

const plans = (rentBase: number): PlanTerms[] => [
  { id: 'basic', name: 'Basic', monthlyRent: rentBase, minimumMonthlySpend: 0 },
  { id: 'business', name: 'Business', monthlyRent: rentBase * 3, minimumMonthlySpend: 10_000 },
  { id: 'enterprise', name: 'Enterprise', monthlyRent: rentBase * 8, minimumMonthlySpend: 50_000 },
];

export const DEFAULT_NUMBERS_CONFIG: NumbersConfig = {
  tiers: [
    { id: 'diamond', rank: 1, label: 'Diamond', selectionFee: 888_800 },
    { id: 'platinum', rank: 2, label: 'Platinum', selectionFee: 288_800 },
    { id: 'gold', rank: 3, label: 'Gold', selectionFee: 98_800 },
    { id: 'silver', rank: 4, label: 'Silver', selectionFee: 38_800 },
    { id: 'bronze', rank: 5, label: 'Bronze', selectionFee: 12_800 },
    { id: 'standard', rank: 6, label: 'Standard', selectionFee: 0 },
  ],
  patternRules: [
    { pattern: 'repeat6', tierAtEnd: 'diamond', tierElsewhere: 'diamond' },
    { pattern: 'run6', tierAtEnd: 'diamond', tierElsewhere: 'diamond' },
    { pattern: 'repeat5', tierAtEnd: 'diamond', tierElsewhere: 'platinum' },
    { pattern: 'run5', tierAtEnd: 'platinum', tierElsewhere: 'gold' },
    { pattern: 'alternate3', tierAtEnd: 'platinum', tierElsewhere: 'platinum' },
    { pattern: 'pairs3', tierAtEnd: 'platinum', tierElsewhere: 'platinum' },
    { pattern: 'triple2', tierAtEnd: 'platinum', tierElsewhere: 'platinum' },
    { pattern: 'repeat4', tierAtEnd: 'platinum', tierElsewhere: 'gold' },
    { pattern: 'block3x2', tierAtEnd: 'gold', tierElsewhere: 'gold' },
    { pattern: 'run4', tierAtEnd: 'gold', tierElsewhere: 'silver' },
    { pattern: 'repeat3', tierAtEnd: 'silver', tierElsewhere: 'bronze' },
    { pattern: 'aabb', tierAtEnd: 'silver', tierElsewhere: 'bronze' },
    { pattern: 'abab', tierAtEnd: 'silver', tierElsewhere: 'bronze' },
    { pattern: 'abba', tierAtEnd: 'bronze', tierElsewhere: 'bronze' },
    { pattern: 'year', tierAtEnd: 'bronze', tierElsewhere: 'standard' },
    { pattern: 'lucky', tierAtEnd: 'bronze', tierElsewhere: 'bronze' },
  ],
  tariffs: {
    '4001': {
      segment: '4001',
      carrier: 'China Mobile',
      plans: plans(6_000),
    },
    '4006': {
      segment: '4006',
      carrier: 'China Unicom',
      plans: plans(6_800),
    },
    '4007': {
      segment: '4007',
      carrier: 'China Mobile',
      plans: plans(5_000),
    },
    '4008': {
      segment: '4008',
      carrier: 'China Telecom',
      plans: plans(8_800),
    },
  },
  tariff: DEFAULT_TARIFF,
  firstTopUp: 50_000,
  holdMinutes: 30,
  holdLimit: 5,
  maxDocumentsPerApplication: 20,
  draftApplicationDays: 7,
  quarantineDays: 90,
  retentionFeePerMonth: 1_500,
  retentionCapMonths: 36,
  cancellationNoticeDays: 30,
  arrearsGraceDays: 3,
  arrearsRestoreDays: 30,
  effectRetryMinutes: 5,
  effectRetryMaxMinutes: 360,
  minimumContractMonths: 12,
  serviceDuringTransfer: true,
  timeZone: 'Asia/Shanghai',
};

export function tierConfig(config: NumbersConfig, tier: TierId): TierConfig {
  const found = config.tiers.find((t) => t.id === tier);
  if (!found) throw new Error(`tier ${tier} is not configured`);
  return found;
}

export function isSegment(value: string): value is Segment {
  return (SEGMENTS as readonly string[]).includes(value);
}

/** A plan of the segment with the included minutes its tariff gives it; undefined when it is not offered. */
export function planOf(config: NumbersConfig, segment: Segment, planId: string): PlanConfig | undefined {
  const terms = config.tariffs[segment].plans.find((p) => p.id === planId);
  const priced = config.tariff.segments[segment]?.[planId];
  return terms && priced ? { ...terms, includedMinutes: priced.includedMinutes } : undefined;
}

let active: NumbersConfig = DEFAULT_NUMBERS_CONFIG;

/** The configuration handlers use; the local runtime and tests may swap it (shorter timers, other fees). */
export function numbersConfig(): NumbersConfig {
  return active;
}

export function useNumbersConfig(config: NumbersConfig | undefined): void {
  active = config ?? DEFAULT_NUMBERS_CONFIG;
}

/**
 * The configuration in force at `epochMs`: `tariff` (per-minute prices and included minutes, tariffAt),
 * each plan's rent, minimum spend and retention fee from the latest stored version of the plan effective on
 * that local day, and the plan's later versions (`laterPriceChanges`, `laterRateChanges`: quotes disclose
 * them as `scheduledChanges`). Quotes and the contract an approval
 * writes both read it, so the rent quoted is the rent contracted and charged (billing prices each month by
 * the contract's price changes: shared/domain/billing/tariffs.ts pricedFor).
 */
export function configInForce(
  config: NumbersConfig,
  tariff: Tariff,
  versions: readonly TariffVersion[],
  epochMs: number,
): NumbersConfig {
  const day = localDay(config.timeZone, epochMs);
  const priced = (v: TariffVersion) =>
    v.monthlyRent !== undefined || v.minimumSpend !== undefined || v.retentionFee !== undefined;
  const byDate = [...versions].filter(priced).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const later: Record<string, PriceChange[]> = {};
  for (const v of byDate) {
    if (v.effectiveFrom <= day) continue;
    const change: PriceChange = {
      effectiveFrom: v.effectiveFrom,
      ...(v.monthlyRent !== undefined ? { monthlyRent: v.monthlyRent } : {}),
      ...(v.minimumSpend !== undefined ? { minimumSpend: v.minimumSpend } : {}),
      ...(v.retentionFee !== undefined ? { retentionFee: v.retentionFee } : {}),
    };
    later[v.planId] = [...(later[v.planId] ?? []), change];
  }
  const laterRates: Record<string, LaterRates[]> = {};
  for (const v of [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))) {
    if (v.effectiveFrom <= day || !v.rates || Object.keys(v.rates).length === 0) continue;
    laterRates[v.planId] = [
      ...(laterRates[v.planId] ?? []),
      { effectiveFrom: v.effectiveFrom, rates: v.rates },
    ];
  }
  const inForce = (terms: PlanTerms): PlanTerms => {
    let out = terms;
    for (const v of byDate) {
      if (v.planId !== terms.id || v.effectiveFrom > day) continue;
      out = {
        ...out,
        ...(v.monthlyRent !== undefined ? { monthlyRent: v.monthlyRent } : {}),
        ...(v.minimumSpend !== undefined ? { minimumMonthlySpend: v.minimumSpend } : {}),
        ...(v.retentionFee !== undefined ? { retentionFeePerMonth: v.retentionFee } : {}),
      };
    }
    return out;
  };
  const tariffs = Object.fromEntries(
    Object.entries(config.tariffs).map(([segment, t]) => [segment, { ...t, plans: t.plans.map(inForce) }]),
  ) as unknown as NumbersConfig['tariffs'];
  return { ...config, tariff, tariffs, laterPriceChanges: later, laterRateChanges: laterRates };
}
