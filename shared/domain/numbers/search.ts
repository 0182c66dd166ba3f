/**
 * Searching the pool: Twilio-style digit patterns (digits, keypad letters, `*` for any one digit, matched
 * anywhere in the number) and what a result shows, its price from the configuration.
 */
import { invalid } from '../errors.js';
import { type NumbersConfig, type Segment, type TierId, tierConfig } from './config.js';

export interface AvailableNumber {
  readonly number: string;
  readonly segment: Segment;
  readonly carrier: string;
  readonly tier: TierId;
  readonly tierLabel: string;
  readonly pattern?: string;
  readonly price: {
    readonly currency: 'CNY';
    readonly selectionFee: number;
    readonly firstTopUp: number;
    readonly openingFee: number;
    readonly plans: readonly {
      readonly id: string;
      readonly name: string;
      readonly monthlyRent: number;
      readonly includedMinutes: number;
      readonly minimumMonthlySpend: number;
    }[];
    readonly localPerMinute: number;
    readonly longDistancePerMinute: number;
  };
}

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({
  2: 'abc',
  3: 'def',
  4: 'ghi',
  5: 'jkl',
  6: 'mno',
  7: 'pqrs',
  8: 'tuv',
  9: 'wxyz',
})) {
  for (const letter of letters) KEYPAD[letter] = digit;
}

export const CONTAINS_PATTERN = /^[0-9A-Za-z*]{1,10}$/;

export function containsMatcher(contains: string | undefined): (number: string) => boolean {
  if (contains === undefined) return () => true;
  if (!CONTAINS_PATTERN.test(contains)) {
    throw invalid('invalid_pattern', 'contains takes 1-10 digits, letters or * (any digit)', 'contains');
  }
  const source = [...contains.toLowerCase()].map((c) => (c === '*' ? '\\d' : (KEYPAD[c] ?? c))).join('');
  const regex = new RegExp(source);
  return (number) => regex.test(number);
}

export function priceOf(
  number: { readonly segment: Segment; readonly selectionFee: number },
  config: NumbersConfig,
): AvailableNumber['price'] {
  const tariff = config.tariffs[number.segment];
  return {
    currency: 'CNY',
    selectionFee: number.selectionFee,
    firstTopUp: config.firstTopUp,
    openingFee: number.selectionFee + config.firstTopUp,
    plans: tariff.plans.map((p) => ({ ...p })),
    localPerMinute: tariff.localPerMinute,
    longDistancePerMinute: tariff.longDistancePerMinute,
  };
}

export function availableNumber(
  number: {
    readonly number: string;
    readonly segment: Segment;
    readonly tier: TierId;
    readonly pattern?: string;
    readonly selectionFee: number;
  },
  config: NumbersConfig,
): AvailableNumber {
  return {
    number: number.number,
    segment: number.segment,
    carrier: config.tariffs[number.segment].carrier,
    tier: number.tier,
    tierLabel: tierConfig(config, number.tier).label,
    ...(number.pattern ? { pattern: number.pattern } : {}),
    price: priceOf(number, config),
  };
}
