/**
 * Audit: suspending a number every night and resuming it every morning must not make its month rent-free.
 * A day counts as suspended (retention fee, no rent) only when the number gave no service at all that day.
 * April 2027 has 30 days; rent 30,000 fen a month (1,000 a day), minimum spend 0, retention 1,500 a month.
 */
import { describe, expect, it } from 'vitest';
import { contractFromItem } from '../../shared/adapters/dynamo/billing-contracts.js';
import { addDays, type LocalDate } from '../../shared/domain/billing/calendar.js';
import { monthlyCharges } from '../../shared/domain/billing/charges.js';
import { type LifecycleRow, withHistory } from '../../shared/domain/billing/contracts.js';

const ZONE = 'Asia/Shanghai';
const contract = contractFromItem(
  {
    pk: 'NUM#4008123456',
    sk: 'CONTRACT#ct_toggle',
    tenantId: 't1',
    planId: 'business',
    monthlyRent: 30_000,
    minimumSpend: 0,
    retentionFee: 1_500,
    termStart: '2027-01-01',
    termEnd: '2028-01-01',
    serviceFrom: '2027-01-01',
    autoRenew: false,
    suspensions: [],
  },
  ZONE,
);
/** A local Shanghai time of a day as an instant (UTC+8, no daylight saving). */
const at = (day: LocalDate, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

const charged = (rows: LifecycleRow[]) => {
  if (!contract) throw new Error('unmapped');
  return monthlyCharges({ contract: withHistory(contract, rows), month: '2027-04', incidents: [] });
};

describe('suspension days', () => {
  it('a number suspended at 23:59 and resumed at 00:01 every day pays the whole month’s rent', () => {
    const rows: LifecycleRow[] = [];
    for (let day: LocalDate = '2027-03-31'; day <= '2027-04-30'; day = addDays(day, 1)) {
      rows.push({ at: at(day, '23:59'), from: 'active', to: 'suspended' });
      rows.push({ at: at(addDays(day, 1), '00:01'), from: 'suspended', to: 'active' });
    }
    expect(charged(rows)).toEqual([expect.objectContaining({ kind: 'monthly_rent', amount: -30_000 })]);
  });

  it('days wholly suspended pay retention, the days it stopped and came back pay rent', () => {
    // Suspended 10 April 15:00, resumed 20 April 09:00: 11–19 April (9 days) gave no service at all.
    // Rent 21 days = 21,000; retention 9/30 of 1,500 = 450.
    const rows: LifecycleRow[] = [
      { at: at('2027-04-10', '15:00'), from: 'active', to: 'suspended' },
      { at: at('2027-04-20', '09:00'), from: 'suspended', to: 'active' },
    ];
    expect(charged(rows)).toEqual([
      expect.objectContaining({ kind: 'monthly_rent', amount: -21_000 }),
      expect.objectContaining({ kind: 'retention_fee', amount: -450 }),
    ]);
    // Suspended at the very start of a day: that day gave no service.
    expect(
      charged([
        { at: at('2027-04-10', '00:00'), from: 'active', to: 'suspended' },
        { at: at('2027-04-20', '09:00'), from: 'suspended', to: 'active' },
      ]),
    ).toEqual([
      expect.objectContaining({ kind: 'monthly_rent', amount: -20_000 }),
      expect.objectContaining({ kind: 'retention_fee', amount: -500 }),
    ]);
  });
});
