/**
 * Audit: the daily cap at call setup turns over at midnight Asia/Shanghai (16:00Z), never at UTC midnight,
 * and a cap lowered below today's spend refuses at once. Figures by hand: cap 200 fen, worst rate 22 fen
 * (a snapshot without rate steps refuses under 32 fen, so 200 fen left allows 9 whole 22-fen minutes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCall } from '../../shared/domain/routing/decision.js';
import { snapshotOf } from './routing-fixtures.js';

const snapshot = snapshotOf(undefined, { number400: '4007123456', worstRatePerMinute: 22 });
const decide = (now: Date, account: Record<string, unknown>) =>
  decideCall({ caller: '+8613900000000', contactId: 'c1', step: 'start', now }, {
    snapshot,
    account: { balance: 10_000, status: 'active', ...account },
    ratePerMinute: 22,
  } as Parameters<typeof decideCall>[1]);

/** 2026-11-24 in Shanghai: from 2026-11-23T16:00Z to 2026-11-24T16:00Z. */
const DAY_START = Date.parse('2026-11-23T16:00:00Z');
const DAY_END = Date.parse('2026-11-24T16:00:00Z');

describe('the daily cap at call setup', () => {
  it('refuses exactly during the Shanghai day whose spend reached it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: DAY_START - 86_400_000, max: DAY_END + 86_400_000 }), (ms) => {
        const decision = decide(new Date(ms), { dailyCap: 200, spendDay: '2026-11-24', spendToday: 200 });
        const sameDay = ms >= DAY_START && ms < DAY_END;
        // Before the spend day the stored spend is a later day's: nothing spent on the caller's day either.
        expect(decision.reason === 'spend_cap_reached').toBe(sameDay);
      }),
    );
    expect(
      decide(new Date(DAY_END - 1), { dailyCap: 200, spendDay: '2026-11-24', spendToday: 200 }),
    ).toMatchObject({ reason: 'spend_cap_reached' });
    // The first millisecond of the next Shanghai day: the whole cap, 200 / 22 = 9 whole minutes.
    expect(
      decide(new Date(DAY_END), { dailyCap: 200, spendDay: '2026-11-24', spendToday: 200 }),
    ).toMatchObject({
      maxDurationSeconds: '540',
    });
  });

  it('refuses at once when the cap is lowered below what was spent today', () => {
    const now = new Date('2026-11-24T04:00:00Z');
    expect(decide(now, { dailyCap: 500, spendDay: '2026-11-24', spendToday: 150 })).toMatchObject({
      maxDurationSeconds: '900', // 350 fen left under the cap: 15 whole minutes
    });
    expect(decide(now, { dailyCap: 100, spendDay: '2026-11-24', spendToday: 150 })).toMatchObject({
      reason: 'spend_cap_reached',
    });
  });
});
