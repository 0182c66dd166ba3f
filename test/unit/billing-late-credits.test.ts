import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthJustEnded } from '../../shared/domain/billing/calendar.js';
import {
  creditChain,
  lateSlaCredit,
  monthlyCharges,
  slaCreditDue,
  slaCreditKey,
  slaWaiver,
} from '../../shared/domain/billing/charges.js';
import { share } from '../../shared/domain/billing/proration.js';
import type { BillingContract, ServiceIncident } from '../../shared/domain/billing/types.js';
import { billingContract } from './billing-contract-fixture.js';

const ZONE = 'Asia/Shanghai';
const T = 't1';
const N = '4008123456';
/** No minimum spend: these tests look at rent and credits only. */
const contract = (overrides: Partial<BillingContract> = {}) =>
  billingContract({ tenantId: T, number: N, minimumSpend: 0, ...overrides });

/** An outage of `hours` from 10:00 Shanghai on a day of April 2025. */
const outage = (id: string, day: number, hours = 3, numbers: ServiceIncident['numbers'] = 'all') => {
  const start = Date.parse(`2025-04-${String(day).padStart(2, '0')}T02:00:00Z`);
  return {
    incidentId: id,
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + hours * 3_600_000).toISOString(),
    numbers,
    description: '',
  };
};

const rentKey = (month: string) => `${T}#${N}#${month}#monthly_rent`;

describe('SLA credit chain keys', () => {
  it('keeps the month’s own key first and numbers the later ones', () => {
    expect(slaCreditKey(T, N, '2025-04', 1)).toBe(`${T}#${N}#2025-04#sla_credit`);
    expect(slaCreditKey(T, N, '2025-04', 3)).toBe(`${T}#${N}#2025-04#sla_credit#3`);
  });

  it('sums what was credited and takes the next sequence, ignoring other numbers and months', () => {
    const chain = creditChain(T, N, '2025-04', [
      { key: rentKey('2025-04'), amount: -10_000 },
      { key: slaCreditKey(T, N, '2025-04', 1), amount: 333 },
      { key: slaCreditKey(T, N, '2025-04', 2), amount: 334 },
      { key: slaCreditKey(T, N, '2025-03', 2), amount: 999 },
      { key: `${T}#${N}#2025-04#sla_credit#x`, amount: 5 },
    ]);
    expect(chain).toEqual({ rentCharged: 10_000, credited: 667, nextSequence: 3 });
    expect(creditChain(T, N, '2025-04', [])).toEqual({ credited: 0, nextSequence: 1 });
  });
});

describe('late SLA credits', () => {
  const april = (entries: { key: string; amount: number }[]) => creditChain(T, N, '2025-04', entries);

  it('credits a billed month’s outage recorded late, priced with that month’s rent and days', () => {
    const credit = lateSlaCredit({
      contract: contract(),
      outageMonth: '2025-04',
      incidents: [outage('late', 10)],
      chain: april([{ key: rentKey('2025-04'), amount: -10_000 }]),
      appliedIn: '2025-06',
      recordedLate: ['late'],
    });
    expect(credit).toMatchObject({
      kind: 'sla_credit',
      amount: 10_000 - share(10_000, 29, 30),
      sequence: 1,
      meta: { outageMonth: '2025-04', appliedIn: '2025-06', waivedDays: '2025-04-10', incidents: 'late' },
    });
    expect(credit?.description).toContain('2025-04');
    expect(credit?.description).toContain('late');
  });

  it('credits nothing for a month never billed, already credited, or an outage within the threshold', () => {
    const base = { contract: contract(), outageMonth: '2025-04', appliedIn: '2025-05' };
    expect(lateSlaCredit({ ...base, incidents: [outage('a', 10)], chain: april([]) })).toBeUndefined();
    const credited = april([
      { key: rentKey('2025-04'), amount: -10_000 },
      { key: slaCreditKey(T, N, '2025-04', 1), amount: 10_000 - share(10_000, 29, 30) },
    ]);
    expect(lateSlaCredit({ ...base, incidents: [outage('a', 10)], chain: credited })).toBeUndefined();
    const billed = april([{ key: rentKey('2025-04'), amount: -10_000 }]);
    expect(lateSlaCredit({ ...base, incidents: [outage('a', 10, 2)], chain: billed })).toBeUndefined();
    expect(lateSlaCredit({ ...base, incidents: [outage('a', 10, 5, ['4000000000'])], chain: billed })).toBe(
      undefined,
    );
  });

  it('credits only the days a later incident adds, under the next key, naming the late incident', () => {
    const chain = april([
      { key: rentKey('2025-04'), amount: -10_000 },
      { key: slaCreditKey(T, N, '2025-04', 1), amount: 10_000 - share(10_000, 29, 30) },
    ]);
    const credit = lateSlaCredit({
      contract: contract(),
      outageMonth: '2025-04',
      // The first outage again (already credited), one overlapping it, and a new day.
      incidents: [outage('first', 10), outage('overlap', 10, 6), outage('new', 12)],
      chain,
      appliedIn: '2025-05',
      recordedLate: ['overlap', 'new'],
    });
    expect(credit?.amount).toBe(share(10_000, 29, 30) - share(10_000, 28, 30));
    expect(credit?.sequence).toBe(2);
    expect(credit?.description).toContain('incidents new, overlap)');
    expect(credit?.description).toContain(`less ${10_000 - share(10_000, 29, 30)} fen credited before`);
    expect(credit?.description).not.toContain('first');
  });

  it('never credits more than the rent the ledger charged for the month', () => {
    const chain = april([{ key: rentKey('2025-04'), amount: -1_000 }]);
    const whole = Array.from({ length: 30 }, (_, i) => outage(`d${i}`, i + 1));
    const credit = lateSlaCredit({
      contract: contract(),
      outageMonth: '2025-04',
      incidents: whole,
      chain,
      appliedIn: '2025-05',
    });
    expect(credit?.amount).toBe(1_000);
  });

  it('makes the month’s own run post only what a late credit left, under the chain’s next key', () => {
    const waiver = slaWaiver(contract(), '2025-04', [outage('a', 10)]);
    const chain = april([{ key: slaCreditKey(T, N, '2025-04', 1), amount: waiver.credit }]);
    expect(slaCreditDue(waiver, chain)).toBe(0);
    const charges = monthlyCharges({
      contract: contract(),
      month: '2025-04',
      incidents: [outage('a', 10), outage('b', 20)],
      slaCredited: chain,
    });
    const credit = charges.find((c) => c.kind === 'sla_credit');
    expect(credit).toMatchObject({ amount: share(10_000, 29, 30) - share(10_000, 28, 30), sequence: 2 });
    // Without a chain, the month's own key and the whole waiver, as before.
    const first = monthlyCharges({ contract: contract(), month: '2025-04', incidents: [outage('a', 10)] });
    expect(first.find((c) => c.kind === 'sla_credit')).toMatchObject({ amount: waiver.credit });
    expect(first.find((c) => c.kind === 'sla_credit')?.sequence).toBeUndefined();
  });

  it('adds up to the month’s whole waiver, however the incidents trickle in (property)', () => {
    const incidentArb = fc.record({
      day: fc.integer({ min: 1, max: 30 }),
      hours: fc.integer({ min: 1, max: 30 }),
      mine: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(incidentArb, { maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 50_000 }),
        (waves, rent) => {
          const c = contract({ monthlyRent: rent });
          const posted: { key: string; amount: number }[] = [{ key: rentKey('2025-04'), amount: -rent }];
          const known: ServiceIncident[] = [];
          let n = 0;
          for (const wave of waves) {
            for (const i of wave)
              known.push(outage(`i${n++}`, i.day, i.hours, i.mine ? [N] : ['4000000000']));
            const chain = april(posted);
            const credit = lateSlaCredit({
              contract: c,
              outageMonth: '2025-04',
              incidents: known,
              chain,
              appliedIn: '2025-05',
            });
            if (credit) {
              expect(credit.amount).toBeGreaterThan(0);
              posted.push({ key: slaCreditKey(T, N, '2025-04', credit.sequence), amount: credit.amount });
            }
            // Asked again with what it just posted: nothing more.
            expect(
              lateSlaCredit({
                contract: c,
                outageMonth: '2025-04',
                incidents: known,
                chain: april(posted),
                appliedIn: '2025-05',
              }),
            ).toBeUndefined();
          }
          const credited = posted.slice(1).reduce((s, p) => s + p.amount, 0);
          expect(credited).toBe(slaWaiver(c, '2025-04', known).credit);
          expect(credited).toBeLessThanOrEqual(rent);
          expect(new Set(posted.map((p) => p.key)).size).toBe(posted.length);
        },
      ),
    );
  });
});

describe('the month a run bills', () => {
  it('is the month before the schedule’s instant, however late in that month the run starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 27 * 24 * 60 }), (minutesLate) => {
        // The schedule's instant: March 1st 2026, 00:10 Shanghai; the run starts up to 27 days late.
        const at = new Date(Date.parse('2026-02-28T16:10:00.000Z') + minutesLate * 60_000);
        expect(monthJustEnded(at, ZONE)).toBe('2026-02');
      }),
    );
    // Just before midnight Shanghai on the last day of February is still February's run for January.
    expect(monthJustEnded('2026-02-28T15:59:59.999Z', ZONE)).toBe('2026-01');
  });
});
