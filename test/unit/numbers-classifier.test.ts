import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/domain/numbers/classifier.js';
import { DEFAULT_NUMBERS_CONFIG, type NumbersConfig, TIER_IDS } from '../../shared/domain/numbers/config.js';

// Hand-checked: [number, expected tier, why].
const TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['4008888888', 'diamond', 'AAAAAA'],
  ['4001000000', 'diamond', 'AAAAAA zeros'],
  ['4006000000', 'diamond', 'AAAAAA'],
  ['4008999999', 'diamond', 'AAAAAA'],
  ['4006123456', 'diamond', 'run of six up'],
  ['4007654321', 'diamond', 'run of six down'],
  ['4006012345', 'diamond', 'run of six from 0'],
  ['4007345678', 'diamond', 'run of six'],
  ['4001987654', 'diamond', 'run of six down'],
  ['4006456789', 'diamond', 'run of six'],
  ['4008988888', 'diamond', 'AAAAA at end'],
  ['4001577777', 'diamond', 'AAAAA at end'],
  ['4001777770', 'platinum', 'AAAAA not at end'],
  ['4006912345', 'platinum', 'run of five at end'],
  ['4006301234', 'platinum', 'run of five 01234 at end'],
  ['4008121212', 'platinum', 'ABABAB'],
  ['4006232323', 'platinum', 'ABABAB'],
  ['4008303030', 'platinum', 'ABABAB'],
  ['4006131313', 'platinum', 'ABABAB'],
  ['4001112233', 'platinum', 'AABBCC'],
  ['4007889900', 'platinum', 'AABBCC'],
  ['4001336699', 'platinum', 'AABBCC'],
  ['4001998877', 'platinum', 'AABBCC'],
  ['4006887788', 'platinum', 'AABBAA counts as pairs'],
  ['4006111222', 'platinum', 'AAABBB'],
  ['4008666888', 'platinum', 'AAABBB'],
  ['4001306666', 'platinum', 'AAAA at end'],
  ['4007209999', 'platinum', 'AAAA at end'],
  ['4008001111', 'platinum', 'AAAA at end'],
  ['4007234569', 'gold', 'run of five not at end'],
  ['4008567890', 'gold', 'run of five 56789 not at end (no wrap 9→0)'],
  ['4007123123', 'gold', 'ABCABC'],
  ['4001520520', 'gold', 'ABCABC'],
  ['4007168168', 'gold', 'ABCABC beats lucky 168'],
  ['4006666603', 'gold', 'AAAA at start beats lucky'],
  ['4008999920', 'gold', 'AAAA not at end'],
  ['4007111100', 'gold', 'AAAA at start beats AABB at end'],
  ['4006700007', 'gold', 'AAAA in the middle'],
  ['4007502345', 'gold', 'run of four at end'],
  ['4001239876', 'gold', 'run of four down at end'],
  ['4006305678', 'gold', 'run of four at end, 05678 is no run'],
  ['4006371234', 'gold', 'run of four at end'],
  ['4008123405', 'silver', 'run of four not at end'],
  ['4008201888', 'silver', 'AAA at end'],
  ['4007310555', 'silver', 'AAA at end'],
  ['4007200888', 'silver', 'AAA at end beats year 2008 elsewhere'],
  ['4001301122', 'silver', 'AABB at end'],
  ['4007301212', 'silver', 'ABAB at end'],
  ['4006302020', 'silver', 'ABAB 2020 at end beats year'],
  ['4008555310', 'bronze', 'AAA not at end'],
  ['4006112230', 'bronze', 'AABB not at end'],
  ['4008121230', 'bronze', 'ABAB not at end'],
  ['4001301221', 'bronze', 'ABBA at end'],
  ['4001355331', 'bronze', 'ABBA and AABB not at end'],
  ['4007123321', 'bronze', 'ABBA in the middle'],
  ['4007301998', 'bronze', 'year 1998 at end'],
  ['4001952025', 'bronze', 'year 2025 at end'],
  ['4001302168', 'bronze', 'lucky 168 at end'],
  ['4006730518', 'bronze', 'lucky 518 at end'],
  ['4007896968', 'bronze', 'mostly 6/8/9, ABAB not at end'],
  ['4008199830', 'standard', 'year not at end earns nothing'],
  ['4006201900', 'standard', 'year 2019 not at end'],
  ['4008202588', 'standard', 'year 2025 not at end'],
  ['4008305172', 'standard', 'no pattern'],
  ['4001309172', 'standard', 'no pattern'],
  ['4006470135', 'standard', 'no pattern'],
  ['4007530142', 'standard', 'no pattern'],
  ['4008257013', 'standard', 'no pattern'],
  ['4001407253', 'standard', 'no pattern'],
  ['4007310987', 'standard', '0987 is no run (no wrap)'],
  ['4008246810', 'standard', 'steps of two are no run'],
];

describe('vanity classifier', () => {
  it('has a table of at least 60 numbers covering every tier', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
    expect(new Set(TABLE.map(([, tier]) => tier))).toEqual(new Set(TIER_IDS));
  });

  it.each(TABLE)('%s is %s (%s)', (number, tier) => {
    const result = classify(number, DEFAULT_NUMBERS_CONFIG);
    expect(result.tier).toBe(tier);
    const configured = DEFAULT_NUMBERS_CONFIG.tiers.find((t) => t.id === tier);
    expect(result.selectionFee).toBe(configured?.selectionFee);
    expect(result.tierRank).toBe(configured?.rank);
    expect(result.segment).toBe(number.slice(0, 4));
  });

  it('takes fees and tiers from configuration, not code', () => {
    const config: NumbersConfig = {
      ...DEFAULT_NUMBERS_CONFIG,
      tiers: DEFAULT_NUMBERS_CONFIG.tiers.map((t) => (t.id === 'gold' ? { ...t, selectionFee: 1 } : t)),
      patternRules: DEFAULT_NUMBERS_CONFIG.patternRules.map((r) =>
        r.pattern === 'year' ? { ...r, tierElsewhere: 'gold' } : r,
      ),
    };
    expect(classify('4008199830', config)).toMatchObject({ tier: 'gold', selectionFee: 1, pattern: 'year' });
  });

  it('refuses malformed numbers with a validation error', () => {
    for (const bad of ['4002123456', '400812345', '40081234567', 'abcdefghij', '4008-12345', '']) {
      expect(() => classify(bad, DEFAULT_NUMBERS_CONFIG)).toThrow(
        expect.objectContaining({ kind: 'validation' }),
      );
    }
  });

  it('depends only on the subscriber digits, and always yields a configured tier', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{6}$/),
        fc.constantFrom('4001', '4006', '4007', '4008'),
        (digits, segment) => {
          const here = classify(`${segment}${digits}`, DEFAULT_NUMBERS_CONFIG);
          const there = classify(`4008${digits}`, DEFAULT_NUMBERS_CONFIG);
          expect(here.tier).toBe(there.tier);
          expect(TIER_IDS).toContain(here.tier);
          expect(Number.isInteger(here.selectionFee)).toBe(true);
        },
      ),
    );
  });

  it('never ranks a number below a number it strictly contains the end pattern of', () => {
    // Moving a repeat from the middle to the end never lowers the tier.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (a, b) => {
        fc.pre(a !== b);
        const middle = classify(`4008${b}${a}${a}${a}${a}${b}`, DEFAULT_NUMBERS_CONFIG);
        const end = classify(`4008${b}${b}${a}${a}${a}${a}`, DEFAULT_NUMBERS_CONFIG);
        expect(end.tierRank).toBeLessThanOrEqual(middle.tierRank);
      }),
    );
  });
});
