/**
 * Signed cursors (shared/ports/paging.ts): only the cursor this API signed for this caller, route, path and
 * filters within 24 h opens; anything else is a 400 `invalid_cursor` naming `cursor`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { ROUTES } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import { type CursorBinding, encodeCursor, openCursor, signCursor } from '../../shared/ports/paging.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');
const ISSUED = new Date('2026-12-01T08:00:00.000Z');
const position = encodeCursor({
  pk: 'CALL#c-9',
  gsi2pk: 'CALLS#t-a#4008123456',
  gsi2sk: '2026-12-01T07:00:00Z#c-9',
}) as string;
const binding: CursorBinding = {
  caller: 't-a',
  route: 'listCalls',
  parameters: { number: '4008123456', from: '2026-11-01T00:00:00Z' },
};

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('the cursor was accepted');
}

function expectRefused(cursor: string, as: CursorBinding = binding, at: Date = ISSUED, key = KEY) {
  const error = refusal(() => openCursor(cursor, as, at, key));
  expect({ kind: error.kind, code: error.code, field: error.field }).toEqual({
    kind: 'validation',
    code: 'invalid_cursor',
    field: 'cursor',
  });
}

describe('signed cursors', () => {
  const cursor = signCursor(position, binding, ISSUED, KEY);

  it('open to the position they carry, for the same caller, route and filters, in any parameter order', () => {
    const reordered = { ...binding, parameters: { from: '2026-11-01T00:00:00Z', number: '4008123456' } };
    expect(openCursor(cursor, reordered, new Date('2026-12-02T07:59:59.000Z'), KEY)).toBe(position);
  });

  it('are refused when any single character is changed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < cursor.length; i++) {
      for (const replacement of [
        alphabet[(alphabet.indexOf(cursor[i] as string) + 1) % alphabet.length],
        '%',
      ]) {
        expectRefused(cursor.slice(0, i) + replacement + cursor.slice(i + 1));
      }
    }
  });

  it('are refused when any character is dropped or added', () => {
    for (let i = 0; i < cursor.length; i++) {
      expectRefused(cursor.slice(0, i) + cursor.slice(i + 1));
      expectRefused(`${cursor.slice(0, i)}A${cursor.slice(i)}`);
    }
    expectRefused(`${cursor}A`);
  });

  it('are refused for another tenant, another route, other filters or another path', () => {
    expectRefused(cursor, { ...binding, caller: 't-b' });
    expectRefused(cursor, { ...binding, caller: 'operator:t-a' });
    expectRefused(cursor, { ...binding, route: 'listLedger' });
    expectRefused(cursor, { ...binding, parameters: { ...binding.parameters, number: '4008123457' } });
    expectRefused(cursor, { ...binding, parameters: { number: '4008123456' } });
    expectRefused(cursor, { ...binding, parameters: { ...binding.parameters, to: '2026-12-01T00:00:00Z' } });
  });

  it('are refused under another key', () => {
    expectRefused(cursor, binding, ISSUED, Buffer.from('another key of thirty-two bytes!', 'utf8'));
  });

  it('are stale 24 h after issue, and refused when issued more than a minute ahead', () => {
    expect(openCursor(cursor, binding, new Date('2026-12-02T08:00:00.000Z'), KEY)).toBe(position);
    expectRefused(cursor, binding, new Date('2026-12-02T08:00:01.000Z'));
    expectRefused(cursor, binding, new Date('2026-12-01T07:58:59.000Z'));
  });

  it('refuse any string that is not one of them', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (garbage) => {
        fc.pre(garbage !== cursor);
        expectRefused(garbage);
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('are named by every paging route and only by them: the capability grants the signing key', () => {
    const pages = ROUTES.filter((route) => {
      const shape = (ROUTE_SCHEMAS[route.id]?.query as { _zod?: { def?: { shape?: object } } } | undefined)
        ?._zod?.def?.shape;
      return shape !== undefined && 'cursor' in shape;
    }).map((route) => route.id);
    const granted = ROUTES.filter((route) => route.capabilities?.includes('cursors')).map(
      (route) => route.id,
    );
    expect(pages.length).toBeGreaterThanOrEqual(9);
    expect(granted.sort()).toEqual(pages.sort());
  });
});
