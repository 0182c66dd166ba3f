/** Issue 13 item 10: instants with any offset, impossible dates named, foreign numbers 404, documents uploaded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dailyReport } from '../../shared/app/calls/daily-report.js';
import { listCalls } from '../../shared/app/calls/list-calls.js';
import type { ReadableNumberDeps } from '../../shared/app/calls/readable-number.js';
import { isInstant, utcInstant } from '../../shared/domain/calendar-date.js';
import { localIsoTime } from '../../shared/domain/zoned-time.js';
import { callsQuery, dailyReportQuery, ledgerQuery } from '../../shared/http/schemas/money.js';
import type { CallRange, CallsPort } from '../../shared/ports/calls.js';

const now = new Date('2026-11-24T02:00:00Z');

describe('instants', () => {
  it('accept any ISO-8601 offset and mean the same instant', () => {
    expect(utcInstant('2026-11-24T08:00:00+08:00')).toBe('2026-11-24T00:00:00.000Z');
    expect(utcInstant('2026-11-23T19:00-05:00')).toBe('2026-11-24T00:00:00.000Z');
    expect(utcInstant('2026-11-24T05:30:00.5+05:30')).toBe('2026-11-24T00:00:00.500Z');
    expect(utcInstant('2026-11-24T00:00:00Z')).toBe('2026-11-24T00:00:00.000Z');
  });

  it('refuse impossible days and times, and instants without an offset', () => {
    for (const bad of [
      '2026-02-30T00:00:00+08:00',
      '2026-13-01T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T00:00:00',
      '2026-11-24',
      '2026-11-24T00:00:00+0800',
    ])
      expect(isInstant(bad)).toBe(false);
  });

  it('every instant written with its Shanghai offset reads back as itself (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }), (ms) => {
        const second = Math.floor(ms / 1000) * 1000;
        const local = localIsoTime('Asia/Shanghai', second);
        expect(local.endsWith('+08:00')).toBe(true);
        expect(isInstant(local)).toBe(true);
        expect(utcInstant(local)).toBe(new Date(second).toISOString());
      }),
    );
  });

  it('the calls query takes +08:00 and names the field of an impossible date', () => {
    expect(callsQuery.safeParse({ number: '4008123456', from: '2026-11-24T08:00:00+08:00' }).success).toBe(
      true,
    );
    const bad = callsQuery.safeParse({ number: '4008123456', to: '2026-02-30T00:00:00+08:00' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['to']);
    const day = dailyReportQuery.safeParse({ from: '2026-02-30' });
    expect(day.error?.issues[0]?.path).toEqual(['from']);
  });
});

describe('list limits', () => {
  it('take 1 to 100, and say so for every other value (negative, zero, too large, not a number)', () => {
    expect(ledgerQuery.parse({ limit: '1' }).limit).toBe(1);
    expect(ledgerQuery.parse({ limit: '100' }).limit).toBe(100);
    for (const bad of ['-1', '0', '101', '1000', '1.5', 'ten', '']) {
      const parsed = ledgerQuery.safeParse({ limit: bad });
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message, bad).toBe('a whole number from 1 to 100');
      expect(parsed.error?.issues[0]?.path, bad).toEqual(['limit']);
    }
  });
});

describe('numbers not yours', () => {
  const ranges: CallRange[] = [];
  const calls: CallsPort = {
    page: async (range) => {
      ranges.push(range);
      return { items: [] };
    },
    forReport: async () => [],
  };
  // 4008000001 is acme's now; acme had calls on 4008000002 before cancelling it; 4008000003 is globex's;
  // 4008000004 was acme's (its history says so) before it passed to globex, with no calls.
  const owners: Record<string, string> = {
    '4008000001': 'acme',
    '4008000003': 'globex',
    '4008000004': 'globex',
  };
  const deps = {
    calls,
    numbers: {
      get: async (n: string) =>
        owners[n] ? ({ number: n, status: 'active', tenantId: owners[n] } as never) : undefined,
      history: async (n: string) =>
        n === '4008000004'
          ? [
              {
                at: '2026-01-01T00:00:00Z',
                from: 'approved',
                to: 'active',
                command: 'activate',
                actor: 'op',
                tenantId: 'acme',
              },
              {
                at: '2026-06-01T00:00:00Z',
                from: 'transfer_pending',
                to: 'active',
                command: 'accept_transfer',
                actor: 'globex',
                tenantId: 'globex',
              },
            ]
          : [],
    } as unknown as ReadableNumberDeps['numbers'],
    accounts: {
      callNumbers: async (t: string) => (t === 'acme' ? ['4008000001', '4008000002'] : []),
      read: async () => {
        throw new Error('unused');
      },
      save: async () => false,
    },
    zone: 'Asia/Shanghai',
  };

  it('are a 404 on calls and reports; a former holder still reads its history', async () => {
    for (const number of ['4008000003', '4008009999']) {
      await expect(listCalls(deps, { tenantId: 'acme', number, now })).rejects.toMatchObject({
        kind: 'not_found',
        code: 'number_not_found',
      });
      await expect(dailyReport(deps, { tenantId: 'acme', number, now })).rejects.toMatchObject({
        kind: 'not_found',
      });
    }
    for (const former of ['4008000002', '4008000004'])
      await expect(listCalls(deps, { tenantId: 'acme', number: former, now })).resolves.toEqual({
        items: [],
      });
    // The new holder of 4008000004 reads it too (its own calls only: the store filters by tenant).
    await expect(listCalls(deps, { tenantId: 'globex', number: '4008000004', now })).resolves.toEqual({
      items: [],
    });
    const report = await dailyReport(deps, { tenantId: 'acme', number: '4008000001', now });
    expect(report.numbers).toEqual(['4008000001']);
  });

  it('a +08:00 range reaches the store as UTC', async () => {
    ranges.length = 0;
    await listCalls(deps, {
      tenantId: 'acme',
      number: '4008000001',
      from: '2026-11-24T00:00:00+08:00',
      to: '2026-11-24T10:00:00+08:00',
      now,
    });
    expect(ranges[0]).toMatchObject({ from: '2026-11-23T16:00:00.000Z', to: '2026-11-24T02:00:00.000Z' });
  });
});
