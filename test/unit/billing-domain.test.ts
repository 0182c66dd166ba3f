import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  localDateOf,
  monthBounds,
  monthJustEnded,
} from '../../shared/domain/billing/calendar.js';
import {
  chargeKey,
  classifyDays,
  monthlyCharges,
  outagesFor,
  waivedDays,
} from '../../shared/domain/billing/charges.js';
import { share } from '../../shared/domain/billing/proration.js';
import { assembleStatement, monthBalances, statementCsv } from '../../shared/domain/billing/statement.js';
import type { ServiceIncident } from '../../shared/domain/billing/types.js';
import { billingContract } from './billing-contract-fixture.js';

const ZONE = 'Asia/Shanghai';
const contract = billingContract;

const kinds = (charges: { kind: string; amount: number }[]) =>
  Object.fromEntries(charges.map((c) => [c.kind, c.amount]));

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
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 28, max: 31 }),
        fc.nat(31),
        (amount, dim, d) => {
          const days = d % (dim + 1);
          const s = share(amount, days, dim);
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(amount);
          if (days < dim) expect(share(amount, days + 1, dim)).toBeGreaterThanOrEqual(s);
          expect(Math.abs(s - (amount * days) / dim)).toBeLessThanOrEqual(0.5);
        },
      ),
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
    const c = contract({
      valueAdded: [
        { code: 'recording', monthlyFee: 2_000 },
        { code: 'ivr', monthlyFee: 3_000 },
      ],
    });
    const charges = monthlyCharges({
      contract: c,
      month: '2025-03',
      usage: { number: c.number, calls: 3, billedSeconds: 300, charges: 1_200 },
      incidents: [],
    });
    expect(kinds(charges)).toEqual({ monthly_rent: -10_000, value_added: -5_000, minimum_spend: -3_800 });
  });

  it('charges no true-up when usage reaches the minimum', () => {
    const charges = monthlyCharges({
      contract: contract(),
      month: '2025-03',
      usage: { number: '4008123456', calls: 9, billedSeconds: 9_000, charges: 5_000 },
      incidents: [],
    });
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
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [] }))).toEqual({
      monthly_rent: -3_333,
    });
    expect(monthlyCharges({ contract: c, month: '2025-05', incidents: [] })).toEqual([]);
  });

  it('charges retention instead of rent for suspended days', () => {
    const c = contract({ suspensions: [{ from: '2025-04-01', to: '2025-05-01' }] });
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [] }))).toEqual({
      retention_fee: -1_500,
    });
    const half = contract({ suspensions: [{ from: '2025-04-16' }] });
    expect(kinds(monthlyCharges({ contract: half, month: '2025-04', incidents: [] }))).toEqual({
      monthly_rent: -5_000,
      minimum_spend: -2_500,
      retention_fee: -750,
    });
  });

  it('waives the rent of days touched by an outage longer than the threshold', () => {
    const c = contract({ minimumSpend: 0 });
    const long: ServiceIncident = {
      incidentId: 'i1',
      startAt: '2025-04-10T02:00:00Z',
      endAt: '2025-04-10T04:30:00Z',
      numbers: 'all',
      description: 'x',
    };
    const charges = monthlyCharges({ contract: c, month: '2025-04', incidents: [long] });
    expect(kinds(charges)).toEqual({ monthly_rent: -10_000, sla_credit: 333 });
    expect(charges.find((x) => x.kind === 'sla_credit')?.meta).toMatchObject({
      waivedDays: '2025-04-10',
      incidents: 'i1',
    });
  });

  it('gives no credit for an outage of exactly the threshold, or one affecting other numbers', () => {
    const c = contract({ minimumSpend: 0 });
    const exact: ServiceIncident = {
      incidentId: 'i1',
      startAt: '2025-04-10T02:00:00Z',
      endAt: '2025-04-10T04:00:00Z',
      numbers: 'all',
      description: '',
    };
    const other: ServiceIncident = {
      incidentId: 'i2',
      startAt: '2025-04-11T02:00:00Z',
      endAt: '2025-04-11T09:00:00Z',
      numbers: ['4009000000'],
      description: '',
    };
    expect(kinds(monthlyCharges({ contract: c, month: '2025-04', incidents: [exact, other] }))).toEqual({
      monthly_rent: -10_000,
    });
  });

  it('merges overlapping incidents and credits every local day an outage touches', () => {
    const c = contract();
    const incidents: ServiceIncident[] = [
      // 23:00–00:30 and 00:20–01:30 Shanghai: one outage of 2.5 h across midnight.
      {
        incidentId: 'a',
        startAt: '2025-04-10T15:00:00Z',
        endAt: '2025-04-10T16:30:00Z',
        numbers: [c.number],
        description: '',
      },
      {
        incidentId: 'b',
        startAt: '2025-04-10T16:20:00Z',
        endAt: '2025-04-10T17:30:00Z',
        numbers: 'all',
        description: '',
      },
    ];
    expect(outagesFor(c.number, incidents)).toHaveLength(1);
    const { active } = classifyDays(c, '2025-04');
    expect(waivedDays(c, incidents, active)).toEqual({
      days: ['2025-04-10', '2025-04-11'],
      incidentIds: ['a', 'b'],
    });
  });

  it('never credits more than the rent charged, nor days out of service', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(
          fc.record({ day: fc.integer({ min: 1, max: 30 }), hours: fc.integer({ min: 1, max: 72 }) }),
          { maxLength: 5 },
        ),
        (rent, startDay, outages) => {
          const c = contract({
            monthlyRent: rent,
            minimumSpend: 0,
            serviceFrom: `2025-04-${String(startDay).padStart(2, '0')}`,
          });
          const incidents = outages.map((o, i) => {
            const start = Date.parse(`2025-04-${String(o.day).padStart(2, '0')}T01:00:00Z`);
            return {
              incidentId: `i${i}`,
              startAt: new Date(start).toISOString(),
              endAt: new Date(start + o.hours * 3_600_000).toISOString(),
              numbers: 'all' as const,
              description: '',
            };
          });
          const charges = kinds(monthlyCharges({ contract: c, month: '2025-04', incidents }));
          const charged = 0 - (charges.monthly_rent ?? 0);
          const credit = charges.sla_credit ?? 0;
          expect(credit).toBeGreaterThanOrEqual(0);
          expect(credit).toBeLessThanOrEqual(charged);
          expect(charged).toBe(share(rent, 31 - startDay, 30));
        },
      ),
    );
  });

  it('keys charges tenant#number#YYYY-MM#kind', () => {
    expect(chargeKey('t1', '4008123456', '2025-04', 'monthly_rent')).toBe(
      't1#4008123456#2025-04#monthly_rent',
    );
  });
});

describe('statements', () => {
  const bounds = monthBounds('2025-04', ZONE);
  const entries = [
    { key: 'topup#1', kind: 'top_up', amount: 50_000, at: '2025-04-02T01:00:00.000Z', description: 'Top-up' },
    {
      key: 'call#a',
      kind: 'call',
      amount: -120,
      at: '2025-04-03T01:00:00.000Z',
      description: 'call',
      number: '4008123456',
      meta: { billedSeconds: 60 },
    },
    {
      key: 'call#b',
      kind: 'call',
      amount: -240,
      at: '2025-04-04T01:00:00.000Z',
      description: 'call',
      number: '4008123456',
      meta: { billedSeconds: 120 },
    },
    {
      key: 't1#4008123456#2025-04#monthly_rent',
      kind: 'monthly_rent',
      amount: -10_000,
      at: bounds.lastInstant,
      description: 'Monthly rent',
      number: '4008123456',
    },
    {
      key: 'call#later',
      kind: 'call',
      amount: -500,
      at: '2025-05-02T01:00:00.000Z',
      description: 'call',
      number: '4008123456',
    },
  ];

  it('derives opening and closing balances from the balance now and later entries', () => {
    const { opening, closing, inMonth } = monthBalances(1_000, entries, bounds.endAt);
    expect(closing).toBe(1_500);
    expect(opening).toBe(1_500 - 50_000 + 120 + 240 + 10_000);
    expect(inMonth).toHaveLength(4);
  });

  it('adds up: opening + lines = closing; calls summarised per number', () => {
    const s = assembleStatement({
      tenantId: 't1',
      month: '2025-04',
      timeZone: ZONE,
      periodStart: bounds.startAt,
      periodEnd: bounds.endAt,
      openingBalance: -38_140,
      entries: entries.slice(0, 4),
    });
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
        fc.array(
          fc.record({
            kind: fc.constantFrom('call', 'top_up', 'monthly_rent', 'sla_credit'),
            amount: fc.integer({ min: -100_000, max: 100_000 }),
            day: fc.integer({ min: 1, max: 30 }),
          }),
        ),
        (opening, raw) => {
          const es = raw.map((r, i) => ({
            key: `k${i}`,
            kind: r.kind,
            amount: r.amount,
            at: addDays('2025-04-01', r.day - 1),
            description: r.kind,
            number: '4008000000',
          }));
          const s = assembleStatement({
            tenantId: 't',
            month: '2025-04',
            timeZone: ZONE,
            periodStart: '',
            periodEnd: '',
            openingBalance: opening,
            entries: es,
          });
          expect(s.closingBalance).toBe(opening + es.reduce((a, e) => a + e.amount, 0));
          expect(s.lines.reduce((a, l) => a + l.amount, 0)).toBe(s.closingBalance - s.openingBalance);
          expect(s.totalCredits - s.totalDebits).toBe(s.closingBalance - s.openingBalance);
        },
      ),
    );
  });

  it('adds late entries of the previous month as one line, and still adds up', async () => {
    const { lateEntriesFor } = await import('../../shared/domain/billing/statement.js');
    const previous = { month: '2025-03', periodNet: -1_000, openingBalance: 5_000, closingBalance: 4_000 };
    expect(
      lateEntriesFor(previous, [
        { key: 'a', kind: 'call', amount: -1_000, at: '2025-03-02T00:00:00.000Z', description: '' },
      ]),
    ).toBeUndefined();
    const late = lateEntriesFor(previous, [
      { key: 'a', kind: 'call', amount: -1_000, at: '2025-03-02T00:00:00.000Z', description: '' },
      { key: 'b', kind: 'call', amount: -250, at: '2025-03-31T15:00:00.000Z', description: '' },
    ]);
    expect(late).toEqual({ month: '2025-03', amount: -250 });
    const s = assembleStatement({
      tenantId: 't1',
      month: '2025-04',
      timeZone: ZONE,
      periodStart: bounds.startAt,
      periodEnd: bounds.endAt,
      openingBalance: 4_000,
      entries: entries.slice(0, 1),
      ...(late ? { lateEntries: late } : {}),
    });
    expect(s.lines.at(-1)).toMatchObject({ kind: 'late_entries', amount: -250 });
    expect(s.closingBalance).toBe(4_000 + 50_000 - 250);
    expect(s.periodNet).toBe(50_000);
    expect(s.totalCredits - s.totalDebits).toBe(s.closingBalance - s.openingBalance);
  });

  it('renders CSV with quoting and no spreadsheet formulas', () => {
    const s = assembleStatement({
      tenantId: 't1',
      month: '2025-04',
      timeZone: ZONE,
      periodStart: bounds.startAt,
      periodEnd: bounds.endAt,
      openingBalance: 0,
      entries: [
        {
          key: 'k',
          kind: 'adjustment',
          amount: -1_234,
          at: bounds.startAt,
          description: '=HYPERLINK("x"), ok',
        },
      ],
    });
    const csv = statementCsv(s).split('\r\n');
    // Times in Shanghai with their offset, and the header says so: April starts at 2025-03-31T16:00Z.
    expect(bounds.startAt).toBe('2025-03-31T16:00:00.000Z');
    expect(csv[0]).toBe('month,at (Asia/Shanghai),kind,number,description,count,amount_fen,amount_yuan');
    expect(csv[1]).toBe('2025-04,2025-04-01T00:00:00+08:00,opening_balance,,Opening balance,,0,0.00');
    expect(csv[2]).toBe(
      `2025-04,2025-04-01T00:00:00+08:00,adjustment,,"'=HYPERLINK(""x""), ok",1,-1234,-12.34`,
    );
    expect(csv[3]).toContain('closing_balance');
  });
});

describe('contract terms', async () => {
  const { contractActions, noticeDate } = await import('../../shared/domain/billing/contracts.js');
  const term = {
    contractId: 'c1',
    termStart: '2025-03-16',
    termEnd: '2026-03-16',
    termMonths: 12,
    autoRenew: true,
  };

  it('notices 30 days before the term ends, once per term', () => {
    expect(noticeDate('2026-03-16')).toBe('2026-02-14');
    expect(contractActions(term, '2026-02-13', undefined)).toEqual([]);
    expect(contractActions(term, '2026-02-14', undefined)).toEqual([
      { type: 'notice', termEnd: '2026-03-16', renews: true, dedupeKey: 'contract-notice#c1#2026-03-16' },
    ]);
    expect(contractActions(term, '2026-02-20', '2026-03-16')).toEqual([]);
  });

  it('renews an auto-renewing contract on the day, ends the others', () => {
    expect(contractActions(term, '2026-03-16', '2026-03-16')).toEqual([
      { type: 'renew', termStart: '2026-03-16', termEnd: '2027-03-16' },
    ]);
    expect(contractActions({ ...term, autoRenew: false }, '2026-03-16', '2026-03-16')).toEqual([
      { type: 'end', serviceTo: '2026-03-16' },
    ]);
    expect(
      contractActions({ ...term, autoRenew: false, serviceTo: '2026-03-16' }, '2026-03-17', undefined),
    ).toEqual([]);
  });

  it('catches up term by term after missed runs, without drifting month ends', () => {
    const jan31 = {
      contractId: 'c2',
      termStart: '2024-01-31',
      termEnd: '2024-02-29',
      termMonths: 1,
      autoRenew: true,
    };
    const [renew] = contractActions(jan31, '2024-04-05', undefined);
    expect(renew).toEqual({ type: 'renew', termStart: '2024-03-31', termEnd: '2024-04-30' });
  });

  it('always lands on a term that has not ended yet (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 36 }), (offset, months) => {
        const first = {
          contractId: 'c',
          termStart: '2024-01-31',
          termEnd: addMonths('2024-01-31', months),
          termMonths: months,
          autoRenew: true,
        };
        const today = addDays('2024-02-01', offset);
        for (const a of contractActions(first, today, undefined)) {
          if (a.type === 'renew') {
            expect(a.termEnd > today).toBe(true);
            expect(a.termStart <= today).toBe(true);
          }
        }
      }),
    );
  });
});

describe('tariff versions', async () => {
  const { earliestEffectiveDate, pricedFor, validateTariffVersion } = await import(
    '../../shared/domain/billing/tariffs.js'
  );
  const version = {
    planId: 'business',
    description: '',
    scheduledAt: '2026-03-20T02:00:00.000Z',
    monthlyRent: 30_000,
  };

  it('takes effect only on a 1st of month at least 30 days after scheduling', () => {
    expect(earliestEffectiveDate('2026-03-20T02:00:00.000Z', ZONE)).toBe('2026-05-01');
    expect(earliestEffectiveDate('2026-03-01T17:00:00.000Z', ZONE)).toBe('2026-04-01'); // 03-02 local + 30 = 04-01
    expect(() => validateTariffVersion({ ...version, effectiveFrom: '2026-04-01' }, ZONE)).toThrow(
      /earliest effective date is 2026-05-01/,
    );
    expect(() => validateTariffVersion({ ...version, effectiveFrom: '2026-05-02' }, ZONE)).toThrow(
      /first day of a month/,
    );
    expect(() =>
      validateTariffVersion(
        { planId: 'b', description: '', scheduledAt: version.scheduledAt, effectiveFrom: '2026-06-01' },
        ZONE,
      ),
    ).toThrow(/at least one/);
    expect(() => validateTariffVersion({ ...version, effectiveFrom: '2026-05-01' }, ZONE)).not.toThrow();
  });

  it('prices a month by the latest change effective on its first day', () => {
    const c = contract({
      priceChanges: [
        { effectiveFrom: '2025-05-01', monthlyRent: 12_000 },
        { effectiveFrom: '2025-08-01', monthlyRent: 15_000, minimumSpend: 0 },
      ],
    });
    expect(pricedFor(c, '2025-04').monthlyRent).toBe(10_000);
    expect(pricedFor(c, '2025-05')).toMatchObject({ monthlyRent: 12_000, minimumSpend: 5_000 });
    expect(pricedFor(c, '2025-09')).toMatchObject({ monthlyRent: 15_000, minimumSpend: 0 });
    expect(kinds(monthlyCharges({ contract: c, month: '2025-08', incidents: [] }))).toEqual({
      monthly_rent: -15_000,
    });
  });
});
