/**
 * The charge path's pure rules: allowances allocated in call-start order (order and batch independent),
 * time bounds, and ownership periods kept through the lifecycle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUTURE_TOLERANCE_MS, outOfTimeBounds } from '../../shared/domain/calls/time-bounds.js';
import {
  type AllowanceBucket,
  type AllowanceDemand,
  allocateAllowance,
  emptyBucket,
  freeSecondsOf,
  settled,
} from '../../shared/domain/ledger/allowances.js';
import { DEFAULT_NUMBERS_CONFIG } from '../../shared/domain/numbers/config.js';
import { decide, type LifecycleCommand } from '../../shared/domain/numbers/lifecycle.js';
import {
  inventoryNumber,
  lifecycleOf,
  type NumberRecord,
  nextNumber,
} from '../../shared/domain/numbers/number.js';
import { chargeHolder, holderAt } from '../../shared/domain/numbers/ownership.js';

const ZONE = 'Asia/Shanghai';
const T0 = Date.parse('2026-11-01T00:00:00+08:00');
const demand = (contactId: string, startMin: number, billedMin: number): AllowanceDemand => ({
  contactId,
  startMs: T0 + startMin * 60_000,
  billedSeconds: billedMin * 60,
  incrementSeconds: 60,
});

describe('allowance allocation', () => {
  it('gives included minutes in call-start order; a late earlier call takes them back from the latest', () => {
    // 10 included minutes. Calls B (start 20, 6 min) and C (start 30, 6 min) arrive first.
    const bucket = emptyBucket('2026-11#number#4006000001', '2026-11', 'number', 600);
    const first = allocateAllowance(bucket, [demand('B', 20, 6), demand('C', 30, 6)]);
    expect(Object.fromEntries(first.free)).toEqual({ B: 360, C: 240 });
    // A (start 10, 5 min) arrives late: it takes 5 minutes first; B keeps 5, C is re-settled to 0.
    const late = allocateAllowance(first.bucket, [demand('A', 10, 5)]);
    expect(Object.fromEntries(late.free)).toEqual({ A: 300, B: 300, C: 0 });
    expect([...late.resettle].sort()).toEqual(['B', 'C']);
    expect(Object.keys(late.bucket.claims).sort()).toEqual(['A', 'B']);
    expect(late.bucket.version).toBe(2);
  });

  it('keeps the re-settlements owed on the bucket, keyed by the version that displaced them, until written', () => {
    // 10 included minutes: B (start 20, 6 min) and C (start 30, 6 min) → B 6 free, C 4 (version 1).
    const first = allocateAllowance(emptyBucket('k', '2026-11', 'number', 600), [
      demand('B', 20, 6),
      demand('C', 30, 6),
    ]);
    expect(first.bucket.pending).toEqual({});
    // A (start 10, 5 min): B → 5, C → 0 (version 2); B's re-settlement is written, C's still owed.
    const late = allocateAllowance(first.bucket, [demand('A', 10, 5)]);
    expect(late.bucket.pending).toEqual({ B: 2, C: 2 });
    const written = settled(late.bucket, ['B']);
    expect(written).toMatchObject({ pending: { C: 2 }, version: 3 });
    expect(freeSecondsOf(written, 'C')).toBe(0);
    // Z (start 0, 2 min): A → 5, B → 3 (version 4); C keeps the version that displaced it.
    const again = allocateAllowance(written, [demand('Z', 0, 2)]);
    expect(again.bucket.pending).toEqual({ B: 4, C: 2 });
    expect(freeSecondsOf(again.bucket, 'B')).toBe(180);
  });

  it('leaves a bucket unchanged (no write) when a call that started after the last claim finds it used up', () => {
    const full = allocateAllowance(emptyBucket('k', '2026-11', 'number', 120), [demand('A', 0, 5)]);
    const after = allocateAllowance(full.bucket, [demand('B', 50, 3)]);
    expect(after.changed).toBe(false);
    expect(after.free.get('B')).toBe(0);
  });

  it('property: the free seconds of a set of calls do not depend on arrival order or batch split', () => {
    const callsArb = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        start: fc.integer({ min: 0, max: 500 }),
        billed: fc.integer({ min: 0, max: 12 }),
      }),
      { selector: (c) => c.id, minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(
        callsArb,
        fc.integer({ min: 0, max: 40 }),
        fc.func(fc.integer()),
        fc.array(fc.nat(), { maxLength: 6 }),
        (calls, includedMin, order, cuts) => {
          const demands = calls.map((c) => demand(c.id, c.start, c.billed));
          const all = allocateAllowance(emptyBucket('k', '2026-11', 'number', includedMin * 60), demands);
          const shuffled = [...demands].sort((a, b) => order(a.contactId) - order(b.contactId));
          const bounds = [...new Set(cuts.map((c) => c % (shuffled.length + 1)))].sort((a, b) => a - b);
          let bucket: AllowanceBucket = emptyBucket('k', '2026-11', 'number', includedMin * 60);
          const free = new Map<string, number>();
          let from = 0;
          for (const to of [...bounds, shuffled.length]) {
            const step = allocateAllowance(bucket, shuffled.slice(from, to));
            for (const [id, s] of step.free) free.set(id, s);
            bucket = step.bucket;
            from = to;
          }
          for (const d of demands) expect(free.get(d.contactId) ?? 0).toBe(all.free.get(d.contactId) ?? 0);
          const used = [...free.values()].reduce((a, b) => a + b, 0);
          expect(used).toBeLessThanOrEqual(includedMin * 60);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('time bounds', () => {
  const now = Date.parse('2026-12-07T02:00:00Z');
  it('parks a record starting more than 5 minutes after the ingest instant', () => {
    expect(outOfTimeBounds(now + FUTURE_TOLERANCE_MS, now, ZONE)).toBeUndefined();
    expect(outOfTimeBounds(now + FUTURE_TOLERANCE_MS + 1000, now, ZONE)?.code).toBe('starts_in_future');
  });
  it('charges this month and last (the correction window), parks older months', () => {
    // 1 November 00:00 Shanghai is 31 October 16:00Z: November, still open in December.
    expect(outOfTimeBounds(Date.parse('2026-10-31T16:00:00Z'), now, ZONE)).toBeUndefined();
    expect(outOfTimeBounds(Date.parse('2026-10-31T15:59:59Z'), now, ZONE)?.code).toBe('month_closed');
  });
});

describe('ownership periods', () => {
  const config = DEFAULT_NUMBERS_CONFIG;
  const run = (n: NumberRecord, command: LifecycleCommand, at: string) =>
    nextNumber(n, decide(lifecycleOf(n), command, at, config).state, at);

  it('open at activation, close and reopen at a transfer, close at the end of tenure', () => {
    let n = inventoryNumber('4006123457', '2026-01-01T00:00:00Z', config);
    n = run(n, { type: 'reserve', tenantId: 'a' }, '2026-01-02T00:00:00Z');
    n = run(n, { type: 'apply', tenantId: 'a', applicationId: 'app' }, '2026-01-02T00:01:00Z');
    n = run(n, { type: 'approve' }, '2026-01-03T00:00:00Z');
    expect(n.owners).toBeUndefined();
    n = run(n, { type: 'activate', accessNumber: '+6560000001' }, '2026-01-03T00:05:00Z');
    n = run(
      n,
      { type: 'request_transfer', tenantId: 'a', toTenantId: 'b', offerId: 'offer-1' },
      '2026-02-01T00:00:00Z',
    );
    n = run(n, { type: 'accept_transfer', tenantId: 'b' }, '2026-02-10T00:00:00Z');
    expect(n.owners).toEqual([
      {
        tenantId: 'a',
        accessNumber: '+6560000001',
        from: '2026-01-03T00:05:00Z',
        to: '2026-02-10T00:00:00Z',
      },
      { tenantId: 'b', accessNumber: '+6560000001', from: '2026-02-10T00:00:00Z' },
    ]);
    const owners = n.owners ?? [];
    expect(holderAt(owners, '2026-01-03T00:04:59Z', '+6560000001')).toBeUndefined();
    expect(holderAt(owners, '2026-02-09T23:59:59Z', '+6560000001')?.tenantId).toBe('a');
    expect(holderAt(owners, '2026-02-10T00:00:00Z', '+6560000001')?.tenantId).toBe('b');
    expect(holderAt(owners, '2026-02-10T00:00:00Z', '+6569999999')).toBeUndefined();
    // Whom a call is charged to: the holder at its start, the current holder of a number without periods,
    // else nobody (parked, never the holder of today).
    const bound = { tenantId: 'b', number: '4008000001', owners };
    expect(chargeHolder(bound, '2026-02-09T23:59:59Z', '+6560000001')).toEqual({ tenantId: 'a' });
    expect(
      chargeHolder({ tenantId: 'b', number: '4008000001' }, '2025-01-01T00:00:00Z', '+6560000001'),
    ).toEqual({
      tenantId: 'b',
    });
    expect(chargeHolder(bound, '2026-01-03T00:04:59Z', '+6560000001')).toMatchObject({
      park: { code: 'no_owner_at_start' },
    });
    n = run(n, { type: 'request_cancellation', tenantId: 'b' }, '2026-03-01T00:00:00Z');
    // The job runs a day after the notice ran out (30 days from 1 March): the tenure ends at the notice instant.
    n = run(n, { type: 'complete_cancellation' }, '2026-04-01T00:00:00Z');
    expect(n.owners?.[1]).toMatchObject({ tenantId: 'b', to: '2026-03-31T00:00:00.000Z' });
    expect(holderAt(n.owners ?? [], '2026-04-02T00:00:00Z', '+6560000001')).toBeUndefined();
  });
});

describe('statements show whose included minutes a number used', () => {
  it('per number or pooled, with the seconds they covered', async () => {
    const { assembleStatement } = await import('../../shared/domain/billing/statement.js');
    const call = (number: string, key: string, included: number, allowance: string, amount: number) => ({
      key,
      kind: 'call',
      amount: -amount,
      at: '2027-01-05T02:10:00.000Z',
      description: 'call',
      number,
      meta: { billedSeconds: 600, includedSecondsUsed: included, allowance },
    });
    const s = assembleStatement({
      tenantId: 't',
      month: '2027-01',
      timeZone: ZONE,
      periodStart: '2026-12-31T16:00:00.000Z',
      periodEnd: '2027-01-31T16:00:00.000Z',
      openingBalance: 0,
      entries: [
        call('4006100001', 'call#a', 600, 'per_number', 0),
        call('4006100001', 'call#b', 240, 'per_number', 150),
        call('4008100002', 'call#c', 600, 'pooled', 0),
      ],
    });
    expect(s.usage.map((u) => [u.number, u.includedSeconds, u.allowance, u.charges])).toEqual([
      ['4006100001', 840, 'per_number', 150],
      ['4008100002', 600, 'pooled', -0],
    ]);
  });
});
