/**
 * Searching the pool: Twilio-style digit patterns (digits, keypad letters, `*` for any one digit, matched
 * anywhere in the number) and what a result shows: its fees from the configuration, its per-minute prices
 * from the rating tariff, and the changes already scheduled for each plan (quote.ts).
 */
import { invalid } from '../errors.js';
import { type NumbersConfig, type Segment, type TierId, tierConfig } from './config.js';
import { type PlanQuote, planQuote } from './quote.js';

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
    /** Each plan the segment offers: its terms, its per-minute prices from the rating tariff, its scheduled changes. */
    readonly plans: readonly PlanQuote[];
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
  const plans: PlanQuote[] = [];
  for (const terms of config.tariffs[number.segment].plans) {
    const quote = planQuote(config, number.segment, terms.id);
    if (quote) plans.push(quote);
  }
  return {
    currency: 'CNY',
    selectionFee: number.selectionFee,
    firstTopUp: config.firstTopUp,
    openingFee: number.selectionFee + config.firstTopUp,
    plans,
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
