import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAttributes, toAttributes } from '../../shared/adapters/dynamo/fast-attributes.js';

const OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false } as const;

/** Values items hold: JSON-like values plus undefined holes, sets, bigints and numbers past 2^53. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }).map((a) => new Set(a)),
  fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 4 }).map((a) => new Set(a)),
  fc.constantFrom(2 ** 60, -(2 ** 60), Number.MAX_SAFE_INTEGER + 2),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
})).value;
const item = fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 8 });

/** Runs both; equal results, or both throw. */
function same<T>(ours: () => T, library: () => T): void {
  let expected: { ok: true; value: T } | { ok: false };
  try {
    expected = { ok: true, value: library() };
  } catch {
    expected = { ok: false };
  }
  if (expected.ok) expect(ours()).toStrictEqual(expected.value);
  else expect(ours).toThrow();
}

describe('fast attributes', () => {
  it('marshal exactly as util-dynamodb does (or refuse alike)', () => {
    fc.assert(
      fc.property(item, (plain) =>
        same(
          () => toAttributes(plain),
          () => marshall(plain, OPTIONS),
        ),
      ),
      { numRuns: 1_000 },
    );
  });

  it('unmarshal exactly as util-dynamodb does, including numbers beyond 2^53 and sets', () => {
    fc.assert(
      fc.property(item, (plain) => {
        let wire: Record<string, AttributeValue>;
        try {
          wire = marshall(plain, OPTIONS);
        } catch {
          return;
        }
        same(
          () => fromAttributes(wire),
          () => unmarshall(wire),
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps empty strings, drops undefined and refuses NaN', () => {
    expect(toAttributes({ a: '', b: undefined, c: [1, undefined, 'x'] })).toEqual({
      a: { S: '' },
      c: { L: [{ N: '1' }, { S: 'x' }] },
    });
    expect(() => toAttributes({ n: Number.NaN })).toThrow();
  });
});
