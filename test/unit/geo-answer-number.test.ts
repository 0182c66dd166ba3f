import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { classifyAnswerNumber, requireAnswerNumber } from '../../shared/geo/answer-number.js';
import { lookupRegion } from '../../shared/geo/lookup.js';

describe('classifyAnswerNumber', () => {
  it.each([
    ['+8613910001234', '+8613910001234', 'mobile'],
    ['13910001234', '+8613910001234', 'mobile'],
    ['139 1000 1234', '+8613910001234', 'mobile'],
    ['008613910001234', '+8613910001234', 'mobile'],
    ['+8617012345678', '+8617012345678', 'mobile'],
    ['01058881234', '+861058881234', 'fixed'],
    ['+86 10 5888 1234', '+861058881234', 'fixed'],
    ['0755-1234-5678', '+8675512345678', 'fixed'],
    ['(0931) 888 1234', '+869318881234', 'fixed'],
  ])('accepts %s as %s (%s)', (input, e164, lineType) => {
    expect(classifyAnswerNumber(input)).toEqual({ ok: true, e164, lineType });
  });

  it.each([
    ['4001234567', 'shared_cost'],
    ['+864008123456', 'shared_cost'],
    ['95012345678', 'shared_cost'],
    ['8001234567', 'toll_free'],
    ['+868001234567', 'toll_free'],
    ['16012345', 'premium_rate'],
    ['+8616812345', 'premium_rate'],
    ['+85291234567', 'international'],
    ['0085291234567', 'international'],
    ['+14155550123', 'international'],
    ['+447911123456', 'international'],
    ['95555', 'invalid'],
    ['110', 'invalid'],
    ['+8616012345678', 'invalid'],
    ['+8613910001234;ext=12', 'invalid'],
    ['13910001234 ext. 12', 'invalid'],
    ['not a number', 'invalid'],
    ['', 'invalid'],
    ['   ', 'invalid'],
    ['1'.repeat(60), 'invalid'],
  ])('refuses %s (%s)', (input, reason) => {
    const result = classifyAnswerNumber(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.message.length).toBeGreaterThan(0);
    }
  });

  it('refuses non-strings without throwing', () => {
    expect(classifyAnswerNumber(undefined as unknown as string)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    expect(classifyAnswerNumber(13910001234 as unknown as string)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it('never throws, and what it accepts is domestic E.164 that it accepts again unchanged', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.string({ unit: fc.constantFrom(...'0123456789 +-()'), maxLength: 20 }),
          // plausible domestic numbers, so the accepting branch is exercised too
          fc
            .tuple(
              fc.constantFrom('+861', '1', '010', '0755', '+8621'),
              fc.integer({ min: 0, max: 9_999_999_999 }),
            )
            .map(([prefix, rest]) => `${prefix}${String(rest).padStart(10, '0')}`.slice(0, 14)),
        ),
        (input) => {
          const result = classifyAnswerNumber(input);
          if (!result.ok) return;
          expect(result.e164).toMatch(/^\+86[1-9]\d{6,11}$/);
          expect(classifyAnswerNumber(result.e164)).toEqual(result);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses every 400, 800 and 950 number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('400', '800', '950'),
        fc.integer({ min: 0, max: 9_999_999 }),
        (prefix, rest) => {
          const result = classifyAnswerNumber(`${prefix}${String(rest).padStart(7, '0')}`);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with lookupRegion on the line type of accepted numbers the index knows', () => {
    for (const input of ['+8613910001234', '+861058881234', '+8675512345678', '+8618612345678']) {
      const result = classifyAnswerNumber(input);
      expect(result.ok).toBe(true);
      if (result.ok) expect(lookupRegion(result.e164)?.lineType).toBe(result.lineType);
    }
  });
});

describe('requireAnswerNumber', () => {
  it('returns the normalized number', () => {
    expect(requireAnswerNumber('0755 1234 5678', 'answerNumber')).toEqual({
      e164: '+8675512345678',
      lineType: 'fixed',
    });
  });

  it('throws a validation DomainError naming the field and the reason', () => {
    try {
      requireAnswerNumber('4001234567', 'targets[0].number');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        kind: 'validation',
        code: 'answer_number_shared_cost',
        field: 'targets[0].number',
      });
    }
  });
});
