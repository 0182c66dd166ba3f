/**
 * Issue 13 item 9: cancelling inside the minimum term costs the rent of the term's remaining months (the
 * documented early-termination rule), and service ends at the notice instant whenever the job runs.
 */
import { describe, expect, it } from 'vitest';
import { earlyTerminationCharges } from '../../shared/domain/billing/contracts.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { decide, type LifecycleState, serviceEndsAt } from '../../shared/domain/numbers/lifecycle.js';
import { decideCall } from '../../shared/domain/routing/decision.js';
import { alwaysOpenSnapshot } from '../support/routing-snapshots.js';

describe('early termination', () => {
  const contract = { termEnd: '2027-11-25', monthlyRent: 8_800 };

  it('charges the rent of every month of the term after the month service ends', () => {
    // Service ends 25 Dec 2026 (December is settled pro rata as usual): January–November 2027, 11 × 8,800.
    const months = earlyTerminationCharges(contract, '2026-12-25');
    expect(months.map((m) => m.month)).toEqual([
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
    ]);
    expect(months.reduce((s, m) => s + m.amount, 0)).toBe(-96_800);
  });

  it('counts the month itself when service ends on its 1st, and nothing at or after the term end', () => {
    expect(earlyTerminationCharges(contract, '2027-10-01').map((m) => m.month)).toEqual([
      '2027-10',
      '2027-11',
    ]);
    expect(earlyTerminationCharges(contract, '2027-11-25')).toEqual([]);
    expect(earlyTerminationCharges(contract, '2027-12-01')).toEqual([]);
  });

  it('prices each month at the tariff version in force that month', () => {
    // Rent rises to 9,900 from March 2027: Jan, Feb at 8,800, then Mar–Nov (9 months) at 9,900.
    const priced = {
      ...contract,
      priceChanges: [{ effectiveFrom: '2027-03-01', monthlyRent: 9_900 }],
    };
    expect(earlyTerminationCharges(priced, '2026-12-25').reduce((s, m) => s + m.amount, 0)).toBe(
      -(2 * 8_800 + 9 * 9_900),
    );
  });
});

describe('service ends at the notice instant', () => {
  const requestedAt = '2026-11-25T02:00:00.000Z';
  const active: LifecycleState = { status: 'active', tenantId: 'acme', accessNumber: '+6531580001' };
  const requested = decide(
    active,
    { type: 'request_cancellation', tenantId: 'acme' },
    requestedAt,
    config,
  ).state;
  // 30 days' notice.
  const notice = '2026-12-25T02:00:00.000Z';

  it('the requested cancellation carries its notice instant to the call snapshot', () => {
    expect(requested.cancellationEffectiveAt).toBe(notice);
    expect(serviceEndsAt(requested)).toBe(notice);
    expect(serviceEndsAt(active)).toBeUndefined();
  });

  it('a job running a day late settles through the notice instant, not its own', () => {
    const late = decide(requested, { type: 'complete_cancellation' }, '2026-12-26T16:30:00.000Z', config);
    expect(late.effects.find((e) => e.kind === 'settle')).toMatchObject({ through: notice });
  });

  it('the owner cannot withdraw once the notice instant passed, though the job has not run', () => {
    expect(() =>
      decide(
        requested,
        { type: 'withdraw_cancellation', tenantId: 'acme' },
        '2026-12-25T02:00:01.000Z',
        config,
      ),
    ).toThrow(/notice period has ended/);
    expect(
      decide(
        requested,
        { type: 'withdraw_cancellation', tenantId: 'acme' },
        '2026-12-25T01:59:59.000Z',
        config,
      ).state.status,
    ).toBe('active');
  });

  it('call setup refuses from the notice instant on', () => {
    const snapshot = alwaysOpenSnapshot({ number400: '4008123456', serviceEndsAt: notice });
    const call = (now: string) =>
      decideCall(
        { caller: '+8613900000000', contactId: 'c1', step: 'start', now: new Date(now) },
        { snapshot, account: undefined, ratePerMinute: 30 },
      );
    expect(call('2026-12-25T01:59:59.000Z').reason).not.toBe('number_inactive');
    expect(call(notice)).toMatchObject({ action: 'message', reason: 'number_inactive' });
  });
});
