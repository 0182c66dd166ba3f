import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDateOf, monthBounds, monthJustEnded } from '../../shared/domain/billing/calendar.js';
import { chargeKey, classifyDays, monthlyCharges, outagesFor, waivedDays } from '../../shared/domain/billing/charges.js';
import { share } from '../../shared/domain/billing/proration.js';
import { assembleStatement, monthBalances, statementCsv } from '../../shared/domain/billing/statement.js';
import type { BillingContract, ServiceIncident } from '../../shared/domain/billing/types.js';

const ZONE = 'Asia/Shanghai';

function contract(overrides: Partial<BillingContract> = {}): BillingContract {
  return {
    contractId: 'c1',
    tenantId: 't1',
    number: '4008123456',
    planId: 'basic',
    monthlyRent: 10_000,
    minimumSpend: 5_000,
    retentionFee: 1_500,
    valueAdded: [],
    serviceFrom: '2025-01-01',
    suspensions: [],
    slaThresholdMinutes: 120,
    termStart: '2025-01-01',
    termEnd: '2026-01-01',
    termMonths: 12,
    autoRenew: true,
    timeZone: ZONE,
    ...overrides,
  };
}

const kinds = (charges: { kind: string; amount: number }[]) => Object.fromEntries(charges.map((c) => [c.kind, c.amount]));

describe('calendar', () => {
  it('bounds a Shanghai month in UTC instants', () => {
    const b = monthBounds('2026-02', ZONE);
    expect(b).toMatchObject({
      from: '2026-02-01',
      to: '2026-03-01',
      startAt: '2026-01-31T16:00:00.000Z',
      endAt: '2026-02-28T16:00:00.000Z',
      lastInstant: '2026-02-28T15:59:59.999Z',
      days: 28,
    });
  });

  it('bills the month just ended at a run instant, in the zone', () => {
    // 2026-03-01 00:10 Shanghai is still February 28 in UTC.
    expect(monthJustEnded('2026-02-28T16:10:00Z', ZONE)).toBe('2026-02');
    expect(monthJustEnded('2026-01-01T02:00:00Z', ZONE)).toBe('2025-12');
    expect(localDateOf('2026-02-28T16:10:00Z', ZONE)).toBe('2026-03-01');
  });
});

describe('share (proration rule)', () => {
  it('charges a whole month exactly and rounds part months half up', () => {
    expect(share(10_000, 31, 31)).toBe(10_000);
    expect(share(10_000, 0, 31)).toBe(0);
    expect(share(10_000, 16, 31)).toBe(5_161); // 5161.29
    expect(share(100, 15, 30)).toBe(50);
    expect(share(1, 14, 28)).toBe(1); // 0.5 rounds up
  });

  it('is monotonic in days and never above the whole amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 28, max: 31 }), fc.nat(31), (amount, dim, d) => {
        const days = d % (dim + 1);
        const s = share(amount, days, dim);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(amount);
        if (days < dim) expect(share(amount, days + 1, dim)).toBeGreaterThanOrEqual(s);
        expect(Math.abs(s - (amount * days) / dim)).toBeLessThanOrEqual(0.5);
      }),
    );
  });

  it('rejects fractional or negative amounts', () => {
    expect(() => share(1.5, 1, 30)).toThrow(RangeError);
    expect(() => share(-1, 1, 30)).toThrow(RangeError);
    expect(() => share(1, 31, 30)).toThrow(RangeError);
  });
});

describe('monthlyCharges', () => {
  it('charges full rent, fees and the true-up for a whole active month', () => {
    const c = contract({ valueAdded: [{ code: 'recording', monthlyFee: 2_000 }, { code: 'ivr', monthlyFee: 3_000 }] });
    const charges = monthlyCharges({ contract: c, month: '2025-03', usage: { number: c.number, calls: 3, billedSeconds: 300, charges: 1_200 }, incidents: [] });
    expect(kinds(charges)).toEqual({ monthly_rent: -10_000, value_added: -5_000, minimum_spend: -3_800 });
  });

  it('charges no true-up when usage reaches the minimum', () => {
    const charges = monthlyCharges({ contract: contract(), month: '2025-03', usage: { number: '4008123456', calls: 9, billedSeconds: 9_000, charges: 5_000 }, incidents: [] });
    expect(kinds(charges)).toEqual({ monthly_rent: -10_000 });
  });

  it('prorates a first month from the activation day (inclusive)', () => {
    const c = contract({ serviceFrom: '2025-03-16' });
    const charges = monthlyCharges({ contract: c, month: '2025-03', incidents: [] });
    // 16 of 31 days: 10000×16/31 = 5161.29 → 5161; minimum 5000×16/31 = 2580.6 → 2581.
    expect(kinds(charges)).toEqual({ monthly_rent: -5_161, minimum_spend: -2_581 });
    expect(monthlyCharges({ contract: c, month: '2025-02', incidents: [] })).toEqual([]);
  });

  it('prorates a last month up to the end day (exclusive)', () => {
    const c = contract({ serviceTo: '2025-04-11', minimumSpend: 0 });
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [] }))).toEqual({ monthly_rent: -3_333 });
    expect(monthlyCharges({ contract: c, month: '2025-05', incidents: [] })).toEqual([]);
  });

  it('charges retention instead of rent for suspended days', () => {
    const c = contract({ suspensions: [{ from: '2025-04-01', to: '2025-05-01' }] });
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [] }))).toEqual({ retention_fee: -1_500 });
    const half = contract({ suspensions: [{ from: '2025-04-16' }] });
    expect(kinds(monthlyCharges({ contract: half, month: '2025-04', incidents: [] }))).toEqual({
      monthly_rent: -5_000,
      minimum_spend: -2_500,
      retention_fee: -750,
    });
  });

  it('waives the rent of days touched by an outage longer than the threshold', () => {
    const c = contract({ minimumSpend: 0 });
    const long: ServiceIncident = { incidentId: 'i1', startAt: '2025-04-10T02:00:00Z', endAt: '2025-04-10T04:30:00Z', numbers: 'all', description: 'x' };
    const charges = monthlyCharges({ contract: c, month: '2025-04', incidents: [long] });
    expect(kinds(charges)).toEqual({ monthly_rent: -10_000, sla_credit: 333 });
    expect(charges.find((x) => x.kind === 'sla_credit')?.meta).toMatchObject({ waivedDays: '2025-04-10', incidents: 'i1' });
  });

  it('gives no credit for an outage of exactly the threshold, or one affecting other numbers', () => {
    const c = contract({ minimumSpend: 0 });
    const exact: ServiceIncident = { incidentId: 'i1', startAt: '2025-04-10T02:00:00Z', endAt: '2025-04-10T04:00:00Z', numbers: 'all', description: '' };
    const other: ServiceIncident = { incidentId: 'i2', startAt: '2025-04-11T02:00:00Z', endAt: '2025-04-11T09:00:00Z', numbers: ['4009000000'], description: '' };
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [exact, other] }))).toEqual({ monthly_rent: -10_000 });
  });

  it('merges overlapping incidents and credits every local day an outage touches', () => {
    const c = contract();
    const incidents: ServiceIncident[] = [
      // 23:00–00:30 and 00:20–01:30 Shanghai: one outage of 2.5 h across midnight.
      { incidentId: 'a', startAt: '2025-04-10T15:00:00Z', endAt: '2025-04-10T16:30:00Z', numbers: [c.number], description: '' },
      { incidentId: 'b', startAt: '2025-04-10T16:20:00Z', endAt: '2025-04-10T17:30:00Z', numbers: 'all', description: '' },
    ];
    expect(outagesFor(c.number, incidents)).toHaveLength(1);
    const { active } = classifyDays(c, '2025-04');
    expect(waivedDays(c, incidents, active)).toEqual({ days: ['2025-04-10', '2025-04-11'], incidentIds: ['a', 'b'] });
  });

  it('never credits more than the rent charged, nor days out of service', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 30 }), hours: fc.integer({ min: 1, max: 72 }) }), { maxLength: 5 }),
        (rent, startDay, outages) => {
          const c = contract({ monthlyRent: rent, minimumSpend: 0, serviceFrom: `2025-04-${String(startDay).padStart(2, '0')}` });
          const incidents = outages.map((o, i) => {
            const start = Date.parse(`2025-04-${String(o.day).padStart(2, '0')}T01:00:00Z`);
            return { incidentId: `i${i}`, startAt: new Date(start).toISOString(), endAt: new Date(start + o.hours * 3_600_000).toISOString(), numbers: 'all' as const, description: '' };
          });
          const charges = kinds(monthlyCharges({ contract: c, month: '2025-04', incidents }));
          const charged = -(charges.monthly_rent ?? 0);
          const credit = charges.sla_credit ?? 0;
          expect(credit).toBeGreaterThanOrEqual(0);
          expect(credit).toBeLessThanOrEqual(charged);
          expect(charged).toBe(share(rent, 31 - startDay, 30));
        },
      ),
    );
  });

  it('keys charges tenant#number#YYYY-MM#kind', () => {
    expect(chargeKey('t1', '4008123456', '2025-04', 'monthly_rent')).toBe('t1#4008123456#2025-04#monthly_rent');
  });
});

describe('statements', () => {
  const bounds = monthBounds('2025-04', ZONE);
  const entries = [
    { key: 'topup#1', kind: 'top_up', amount: 50_000, at: '2025-04-02T01:00:00.000Z', description: 'Top-up' },
    { key: 'call#a', kind: 'call', amount: -120, at: '2025-04-03T01:00:00.000Z', description: 'call', number: '4008123456', meta: { billedSeconds: 60 } },
    { key: 'call#b', kind: 'call', amount: -240, at: '2025-04-04T01:00:00.000Z', description: 'call', number: '4008123456', meta: { billedSeconds: 120 } },
    { key: 't1#4008123456#2025-04#monthly_rent', kind: 'monthly_rent', amount: -10_000, at: bounds.lastInstant, description: 'Monthly rent', number: '4008123456' },
    { key: 'call#later', kind: 'call', amount: -500, at: '2025-05-02T01:00:00.000Z', description: 'call', number: '4008123456' },
  ];

  it('derives opening and closing balances from the balance now and later entries', () => {
    const { opening, closing, inMonth } = monthBalances(1_000, entries, bounds.endAt);
    expect(closing).toBe(1_500);
    expect(opening).toBe(1_500 - 50_000 + 120 + 240 + 10_000);
    expect(inMonth).toHaveLength(4);
  });

  it('adds up: opening + lines = closing; calls summarised per number', () => {
    const s = assembleStatement({ tenantId: 't1', month: '2025-04', timeZone: ZONE, periodStart: bounds.startAt, periodEnd: bounds.endAt, openingBalance: -38_140, entries: entries.slice(0, 4) });
    expect(s.lines.map((l) => l.kind)).toEqual(['top_up', 'monthly_rent', 'calls']);
    expect(s.closingBalance).toBe(1_500);
    expect(s.usage).toEqual([{ number: '4008123456', calls: 2, billedSeconds: 180, charges: 360 }]);
    expect(s.totalDebits).toBe(10_360);
    expect(s.totalCredits).toBe(50_000);
  });

  it('always adds up (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.array(fc.record({ kind: fc.constantFrom('call', 'top_up', 'monthly_rent', 'sla_credit'), amount: fc.integer({ min: -100_000, max: 100_000 }), day: fc.integer({ min: 1, max: 30 }) })),
        (opening, raw) => {
          const es = raw.map((r, i) => ({ key: `k${i}`, kind: r.kind, amount: r.amount, at: addDays('2025-04-01', r.day - 1), description: r.kind, number: '4008000000' }));
          const s = assembleStatement({ tenantId: 't', month: '2025-04', timeZone: ZONE, periodStart: '', periodEnd: '', openingBalance: opening, entries: es });
          expect(s.closingBalance).toBe(opening + es.reduce((a, e) => a + e.amount, 0));
          expect(s.lines.reduce((a, l) => a + l.amount, 0)).toBe(s.closingBalance - s.openingBalance);
          expect(s.totalCredits - s.totalDebits).toBe(s.closingBalance - s.openingBalance);
        },
      ),
    );
  });

  it('renders CSV with quoting and no spreadsheet formulas', () => {
    const s = assembleStatement({ tenantId: 't1', month: '2025-04', timeZone: ZONE, periodStart: bounds.startAt, periodEnd: bounds.endAt, openingBalance: 0, entries: [{ key: 'k', kind: 'adjustment', amount: -1_234, at: bounds.startAt, description: '=HYPERLINK("x"), ok' }] });
    const csv = statementCsv(s).split('\r\n');
    expect(csv[0]).toBe('month,at,kind,number,description,count,amount_fen,amount_yuan');
    expect(csv[2]).toBe(`2025-04,${bounds.startAt},adjustment,,"'=HYPERLINK(""x""), ok",1,-1234,-12.34`);
    expect(csv[3]).toContain('closing_balance');
  });
});
