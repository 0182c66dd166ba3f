import { describe, expect, it } from 'vitest';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { containsMatcher, priceOf } from '../../shared/domain/numbers/search.js';

describe('contains patterns (Twilio style)', () => {
  it.each([
    ['888', '4008888123', true],
    ['888', '4008188123', false],
    ['1*1*1', '4006101010', true],
    ['1*1*1', '4006121314', true],
    ['1*1*1', '4006123456', false],
    ['1*1*1', '4006112233', false],
    ['1*1*1', '4006112131', true],
    ['4008******', '4008123456', true],
    ['4008******', '4006123456', false],
    ['TAXI', '4007008294', true],
    ['taxi', '4007008294', true],
    ['*', '4001000000', true],
  ])('%s in %s: %s', (pattern, number, expected) => {
    expect(containsMatcher(pattern)(number)).toBe(expected);
  });

  it('refuses characters it does not know, naming the field', () => {
    for (const bad of ['88-8', '8.8', '', '12345678901', '8|8', '(8)']) {
      expect(() => containsMatcher(bad)).toThrow(
        expect.objectContaining({ kind: 'validation', field: 'contains' }),
      );
    }
  });

  it('prices a result from the configuration: fee, opening fee and the segment plans', () => {
    const price = priceOf({ segment: '4007', selectionFee: 12_800 }, config);
    expect(price.openingFee).toBe(12_800 + config.firstTopUp);
    expect(price.plans.map((p) => p.monthlyRent)).toEqual(
      config.tariffs['4007'].plans.map((p) => p.monthlyRent),
    );
    expect(price.plans.map((p) => p.perMinute.localPerMinute)).toEqual([10, 10, 10]);
    expect(price.plans.map((p) => p.includedMinutes)).toEqual([100, 600, 2000]);
  });
});
