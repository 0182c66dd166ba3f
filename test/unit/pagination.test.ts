import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { decodeCursor, encodeCursor } from '../../shared/ports/paging.js';

describe('cursors', () => {
  it('round-trip any key made of strings and numbers', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer())), (key) => {
        fc.pre(Object.keys(key).length > 0);
        expect(decodeCursor(encodeCursor(key), () => true)).toEqual(key);
      }),
    );
  });

  it('refuse garbage and keys the query may not touch with a 400-kind error naming cursor', () => {
    const foreign = encodeCursor({ pk: 'ACCT#victim', sk: 'LEDGER#1' });
    for (const cursor of ['%%%', 'bm90IGpzb24', encodeCursor({ pk: 'x' }) ?? '', foreign ?? '']) {
      try {
        decodeCursor(cursor, (key) => key.pk === 'ACCT#me');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).field).toBe('cursor');
        expect((error as DomainError).kind).toBe('validation');
      }
    }
  });
});
