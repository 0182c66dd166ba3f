/**
 * Issue 13 item 6: the refusal point is decided once (refusalOf) for call setup, `/v1/account` and the
 * alerts. The worst rate under the default tariff is 32 fen a minute (4008 payg long distance 30 +
 * recording 2), computed here by hand.
 */
import { describe, expect, it } from 'vitest';
import { accountView } from '../../shared/app/accounts/account-view.js';
import {
  type Account,
  applyMovements,
  callAllowance,
  newAccount,
  refusalOf,
  tariffWorstRatePerMinute,
} from '../../shared/domain/accounts/account.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { tariffAt } from '../../shared/domain/rating/tariff-at.js';
import {
  decideCall,
  MAX_CALL_SECONDS,
  ratesAt,
  STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE,
} from '../../shared/domain/routing/decision.js';
import { rateSteps } from '../../shared/domain/routing/worst-rate.js';
import { alwaysOpenSnapshot } from '../support/routing-snapshots.js';
import { snapshotOf } from './routing-fixtures.js';

const DAY = '2026-11-24';
const base = (over: Partial<Account>): Account => ({ ...newAccount('acme', DAY), ...over });
/** The default tariff's dearest minute, by hand: 4008 payg long distance 30 + recording 2. */
const RATE = 32;

describe('the refusal point', () => {
  it('is one minute at the tariff’s worst rate: 32 fen', () => {
    expect(tariffWorstRatePerMinute(DEFAULT_TARIFF)).toBe(RATE);
    // A snapshot applied before rate steps were kept refuses at the default tariff's, until the job gives steps.
    expect(STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE).toBe(RATE);
    expect(ratesAt({ worstRatePerMinute: 20 }, Date.parse('2027-06-01T00:00:00Z'))).toEqual({
      worstRatePerMinute: 20,
      refusalRatePerMinute: RATE,
    });
  });

  it('refuses for the cap while spend is still under it by less than a minute', () => {
    // Cap 200, spent 169: 169 + 32 = 201 > 200 → refused; spent 168: 168 + 32 = 200, not past → taken.
    const capped = base({ balance: 10_000, dailyCap: 200, spendToday: 169 });
    expect(refusalOf(capped, DAY, RATE)).toBe('spend_cap');
    expect(refusalOf({ ...capped, spendToday: 168 }, DAY, RATE)).toBe(null);
    // The cap resets with the day.
    expect(refusalOf(capped, '2026-11-25', RATE)).toBe(null);
    expect(callAllowance(capped, DAY, 25, MAX_CALL_SECONDS, RATE)).toEqual({
      allowed: false,
      reason: 'spend_cap_reached',
    });
  });

  it('refuses for the balance when 13 fen cannot pay a minute, even on a cheaper number', () => {
    const low = base({ balance: 13 });
    expect(refusalOf(low, DAY, RATE)).toBe('balance');
    // A 4007 number's worst minute is 22 fen; 31 fen would pay it but not the tariff's 32: refused alike.
    expect(callAllowance({ ...low, balance: 31 }, DAY, 22, MAX_CALL_SECONDS, RATE)).toEqual({
      allowed: false,
      reason: 'insufficient_balance',
    });
    expect(callAllowance({ ...low, balance: 32 }, DAY, 22, MAX_CALL_SECONDS, RATE)).toEqual({
      allowed: true,
      maxDurationSeconds: 60,
    });
    expect(callAllowance({ ...low, balance: 0, status: 'arrears' }, DAY, 22, MAX_CALL_SECONDS, RATE)).toEqual(
      {
        allowed: false,
        reason: 'arrears',
      },
    );
  });

  it('the account view says why calls are refused and always names a plan', () => {
    const capped = accountView(base({ balance: 10_000, dailyCap: 200, spendToday: 169 }), DAY, RATE);
    expect(capped).toMatchObject({
      status: 'active',
      capReachedToday: true,
      callsRefusedFor: 'spend_cap',
      plan: 'payg',
    });
    expect(accountView(base({ balance: 13 }), DAY, RATE)).toMatchObject({
      status: 'active',
      capReachedToday: false,
      callsRefusedFor: 'balance',
    });
    expect(accountView(base({ balance: 5_000, plan: 'basic' }), DAY, RATE)).toMatchObject({
      callsRefusedFor: null,
      capReachedToday: false,
      plan: 'basic',
    });
  });

  it('a 45-fen call leaving 13 fen sends "balance exhausted" once; a top-up to a full minute restores', () => {
    const before = base({ balance: 58, lowBalanceAlerted: true });
    const spent = applyMovements(before, [{ amount: -45, spend: { amount: 45, day: DAY } }], RATE);
    expect(spent.account).toMatchObject({ balance: 13, status: 'active' });
    expect(spent.crossings.map((c) => c.kind)).toEqual(['arrears']);
    expect(spent.crossings[0]?.params.balance).toBe('¥0.13');
    // A further 13-fen call empties it: still the same refusal, no second alert.
    const emptied = applyMovements(spent.account, [{ amount: -13, spend: { amount: 13, day: DAY } }], RATE);
    expect(emptied.account).toMatchObject({ balance: 0, status: 'arrears' });
    expect(emptied.crossings.map((c) => c.kind)).toEqual([]);
    // Topping up 20 fen pays no minute: still refused, nothing said; 100 fen more restores service.
    const small = applyMovements(emptied.account, [{ amount: 20 }], RATE);
    expect(small.crossings).toEqual([]);
    const topped = applyMovements(small.account, [{ amount: 100 }], RATE);
    expect(topped.account.balance).toBe(120);
    expect(topped.crossings.map((c) => c.kind)).toEqual(['service_restored']);
  });

  it('sends the cap alert once a day when the spend leaves less than a minute under the cap', () => {
    // Cap 200: a 150-fen call leaves 50 (taken); a 19-fen call brings spend to 169, 31 left: refused, alert.
    const start = base({ balance: 10_000, dailyCap: 200 });
    const first = applyMovements(start, [{ amount: -150, spend: { amount: 150, day: DAY } }], RATE);
    expect(first.crossings).toEqual([]);
    const second = applyMovements(first.account, [{ amount: -19, spend: { amount: 19, day: DAY } }], RATE);
    expect(second.account.spendToday).toBe(169);
    expect(second.crossings.map((c) => [c.kind, c.dedupeKey])).toEqual([
      ['spend_cap_reached', `spend_cap_reached#acme#${DAY}`],
    ]);
    const third = applyMovements(second.account, [{ amount: -10, spend: { amount: 10, day: DAY } }], RATE);
    expect(third.crossings).toEqual([]);
  });

  it('call setup refuses exactly where the account view says calls are refused', () => {
    const snapshot = alwaysOpenSnapshot({ number400: '4007123456', worstRatePerMinute: 22 });
    const now = new Date('2026-11-24T04:00:00Z');
    for (const [account, reason] of [
      [
        { balance: 10_000, dailyCap: 200, spendToday: 169, spendDay: DAY, status: 'active' },
        'spend_cap_reached',
      ],
      [{ balance: 13, spendDay: DAY, spendToday: 0, status: 'active' }, 'insufficient_balance'],
    ] as const) {
      const decision = decideCall(
        { caller: '+8613900000000', contactId: 'c1', step: 'start', now },
        {
          snapshot,
          account,
          ratePerMinute: 30,
        },
      );
      expect(decision).toMatchObject({ action: 'message', reason });
      expect(accountView(base(account), DAY, RATE).callsRefusedFor).not.toBeNull();
    }
  });

  it('takes the worst rate of the tariff in force at the call, from the snapshot’s rate steps', () => {
    // From T = 1 Jan 2027 00:00 Shanghai, 4008 payg long distance is 36: the dearest minute becomes
    // 36 + recording 2 = 38 fen (was 30 + 2 = 32). The snapshot was applied on 1 December, before T.
    const version: TariffVersion = {
      planId: 'payg',
      effectiveFrom: '2027-01-01',
      rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
      description: '',
      scheduledAt: '2026-11-20T00:00:00Z',
    };
    const T = '2026-12-31T16:00:00.000Z';
    const steps = rateSteps('4007123456', false, [
      { from: '2026-12-01T00:00:00.000Z', tariff: DEFAULT_TARIFF },
      { from: T, tariff: tariffAt(DEFAULT_TARIFF, [version], Date.parse(T)) },
    ]);
    // 4007's own worst minute stays 20 (no recording); the refusal point moves from 32 to 38.
    expect(steps.map((s) => [s.worstRatePerMinute, s.refusalRatePerMinute])).toEqual([
      [20, 32],
      [20, 38],
    ]);
    const snapshot = snapshotOf(undefined, {
      number400: '4007123456',
      worstRatePerMinute: 20,
      rateSteps: steps,
    });
    // 35 fen pays a 32-fen minute but not a 38-fen one.
    const account = { balance: 35, spendDay: '', spendToday: 0, status: 'active' };
    const setup = (at: string) =>
      decideCall(
        { caller: '+8613900000000', contactId: 'c1', step: 'start', now: new Date(at) },
        { snapshot, account, ratePerMinute: 30 },
      );
    expect(setup('2026-12-31T02:00:00Z')).toMatchObject({ maxDurationSeconds: '60' });
    expect(setup('2027-01-04T02:00:00Z')).toMatchObject({
      action: 'message',
      reason: 'insufficient_balance',
    });
    expect(ratesAt(snapshot, Date.parse(T) - 1).refusalRatePerMinute).toBe(32);
    expect(ratesAt(snapshot, Date.parse(T)).refusalRatePerMinute).toBe(38);
    // `/v1/account` at the same rate says the same.
    expect(accountView(base({ balance: 35 }), '2026-12-31', 32).callsRefusedFor).toBe(null);
    expect(accountView(base({ balance: 35 }), '2027-01-04', 38).callsRefusedFor).toBe('balance');
    // A cap: spent 165 of 200 takes a call before T (165 + 32 = 197) and refuses it after (165 + 38 = 203).
    const capped = { balance: 10_000, dailyCap: 200, spendToday: 165, status: 'active' as const };
    const capSetup = (at: string, day: string) =>
      decideCall(
        { caller: '+8613900000000', contactId: 'c2', step: 'start', now: new Date(at) },
        { snapshot, account: { ...capped, spendDay: day }, ratePerMinute: 30 },
      );
    // Taken: 35 fen under the cap pay one 20-fen minute on this number.
    expect(capSetup('2026-12-31T02:00:00Z', '2026-12-31')).toMatchObject({ maxDurationSeconds: '60' });
    expect(capSetup('2027-01-04T02:00:00Z', '2027-01-04')).toMatchObject({ reason: 'spend_cap_reached' });
    expect(accountView(base({ ...capped, spendDay: '2027-01-04' }), '2027-01-04', 38).capReachedToday).toBe(
      true,
    );
  });
});
