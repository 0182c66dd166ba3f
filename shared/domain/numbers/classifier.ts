/**
 * Vanity classifier: a pure function from a 400 number to its tier. Only the six subscriber digits after
 * the segment are read (the segment is the same for every number in it, so it earns nothing). Each
 * pattern found earns a tier from the configuration, higher when the pattern ends the number; the
 * strongest earned tier wins.
 */
import { invalid } from '../errors.js';
import {
  isSegment,
  type NumbersConfig,
  type PatternId,
  type Segment,
  type TierId,
  tierConfig,
} from './config.js';

export const NUMBER_PATTERN = /^400[1678]\d{6}$/;

export interface Classification {
  readonly number: string;
  readonly segment: Segment;
  readonly tier: TierId;
  readonly tierRank: number;
  readonly selectionFee: number;
  /** The pattern that earned the tier (undefined for a standard number). */
  readonly pattern?: PatternId;
  readonly atEnd?: boolean;
}

interface Match {
  readonly pattern: PatternId;
  readonly atEnd: boolean;
}

const LUCKY = new Set(['6', '8', '9']);

function windows(digits: string, size: number, test: (w: string) => boolean, pattern: PatternId): Match[] {
  const found: Match[] = [];
  for (let start = 0; start + size <= digits.length; start++) {
    if (test(digits.slice(start, start + size))) {
      found.push({ pattern, atEnd: start + size === digits.length });
    }
  }
  return found;
}

const same = (w: string) => [...w].every((c) => c === w[0]);
const step = (w: string, delta: number) =>
  [...w].every((c, i) => i === 0 || Number(c) - Number(w[i - 1]) === delta);
const run = (w: string) => step(w, 1) || step(w, -1);

/** Every pattern in the subscriber digits, with whether it ends the number. */
export function findPatterns(subscriber: string): Match[] {
  const s = subscriber;
  const at = (i: number) => s.charAt(i);
  const matches: Match[] = [
    ...windows(s, 6, same, 'repeat6'),
    ...windows(s, 5, same, 'repeat5'),
    ...windows(s, 4, same, 'repeat4'),
    ...windows(s, 3, same, 'repeat3'),
    ...windows(s, 6, run, 'run6'),
    ...windows(s, 5, run, 'run5'),
    ...windows(s, 4, run, 'run4'),
    ...windows(s, 4, (w) => w[0] === w[1] && w[2] === w[3] && w[0] !== w[2], 'aabb'),
    ...windows(s, 4, (w) => w[0] === w[2] && w[1] === w[3] && w[0] !== w[1], 'abab'),
    ...windows(s, 4, (w) => w[0] === w[3] && w[1] === w[2] && w[0] !== w[1], 'abba'),
    ...windows(s, 4, (w) => /^(19[5-9]\d|20[0-3]\d)$/.test(w), 'year'),
  ];
  if (s.length === 6) {
    if (at(0) === at(1) && at(2) === at(3) && at(4) === at(5) && at(0) !== at(2) && at(2) !== at(4)) {
      matches.push({ pattern: 'pairs3', atEnd: true });
    }
    if (at(0) === at(2) && at(2) === at(4) && at(1) === at(3) && at(3) === at(5) && at(0) !== at(1)) {
      matches.push({ pattern: 'alternate3', atEnd: true });
    }
    if (at(0) === at(1) && at(1) === at(2) && at(3) === at(4) && at(4) === at(5) && at(0) !== at(3)) {
      matches.push({ pattern: 'triple2', atEnd: true });
    }
    if (s.slice(0, 3) === s.slice(3) && !same(s.slice(0, 3))) {
      matches.push({ pattern: 'block3x2', atEnd: true });
    }
  }
  // Lucky: ends with 168 (一路发) or 518 (我要发), or mostly 6/8/9 with no 4 at all.
  const luckyCount = [...s].filter((c) => LUCKY.has(c)).length;
  if (/(168|518)$/.test(s) || (!s.includes('4') && luckyCount >= 4)) {
    matches.push({ pattern: 'lucky', atEnd: true });
  }
  return matches;
}

export function parseNumber(raw: string, field = 'number'): { number: string; segment: Segment } {
  if (!NUMBER_PATTERN.test(raw)) {
    throw invalid('invalid_number', 'a 400 number is 10 digits in segment 4001, 4006, 4007 or 4008', field);
  }
  const segment = raw.slice(0, 4);
  if (!isSegment(segment)) throw invalid('invalid_number', `unknown segment ${segment}`, field);
  return { number: raw, segment };
}

export function classify(raw: string, config: NumbersConfig): Classification {
  const { number, segment } = parseNumber(raw);
  const subscriber = number.slice(4);
  const standard = tierConfig(config, 'standard');
  let best: { rank: number; tier: TierId; pattern?: PatternId; atEnd?: boolean } = {
    rank: standard.rank,
    tier: 'standard',
  };
  for (const match of findPatterns(subscriber)) {
    const rule = config.patternRules.find((r) => r.pattern === match.pattern);
    if (!rule) continue;
    const tier = match.atEnd ? rule.tierAtEnd : rule.tierElsewhere;
    const rank = tierConfig(config, tier).rank;
    if (rank < best.rank) best = { rank, tier, pattern: match.pattern, atEnd: match.atEnd };
  }
  const tier = tierConfig(config, best.tier);
  return {
    number,
    segment,
    tier: tier.id,
    tierRank: tier.rank,
    selectionFee: tier.selectionFee,
    ...(best.pattern ? { pattern: best.pattern, atEnd: best.atEnd } : {}),
  };
}
