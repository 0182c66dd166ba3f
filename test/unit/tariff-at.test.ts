/**
 * Issue 13 item 1: stored tariff versions drive quotes and rating alike from their effective instant (the
 * 1st of the month, 00:00 Shanghai), and the worst rate behind call limits follows.
 */
import { describe, expect, it } from 'vitest';
import { tariffWorstRatePerMinute } from '../../shared/domain/accounts/account.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import { DEFAULT_NUMBERS_CONFIG } from '../../shared/domain/numbers/config.js';
import { priceOf } from '../../shared/domain/numbers/search.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { rateCall } from '../../shared/domain/rating/rate-call.js';
import { tariffBookOf } from '../../shared/domain/rating/tariff.js';
import { tariffAt, tariffKeyAt } from '../../shared/domain/rating/tariff-at.js';
import { worstRatePerMinute } from '../../shared/domain/routing/worst-rate.js';

// 4008 basic goes from 15/30 to 14/28 fen a minute, and 4008 payg long distance to 36, from 1 Jan 2027.
const versions: TariffVersion[] = [
  {
    planId: 'basic',
    effectiveFrom: '2027-01-01',
    rates: { '4008': { localPerMinute: 14, longDistancePerMinute: 28 } },
    description: 'cheaper basic',
    scheduledAt: '2026-11-20T00:00:00Z',
  },
  {
    planId: 'payg',
    effectiveFrom: '2027-01-01',
    rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
    description: 'dearer payg',
    scheduledAt: '2026-11-20T00:00:00Z',
  },
  // A rent-only version changes no rate.
  { planId: 'business', effectiveFrom: '2026-12-01', monthlyRent: 30_000, description: '', scheduledAt: '' },
];
// 1 Jan 2027 00:00 in Shanghai is 31 Dec 2026 16:00 UTC.
const EFFECTIVE = Date.parse('2026-12-31T16:00:00Z');

const quoteAt = (ms: number, planId: string) => {
  const config = { ...DEFAULT_NUMBERS_CONFIG, tariff: tariffAt(DEFAULT_TARIFF, versions, ms) };
  return priceOf({ segment: '4008', selectionFee: 0 }, config).plans.find((p) => p.id === planId)?.perMinute;
};

/** One whole minute, local or not, starting at a full-rate hour (Thursday 10:00 Shanghai) near `ms`. */
const chargeAt = (ms: number, planId: string, local: boolean) => {
  const tariff = tariffAt(DEFAULT_TARIFF, versions, ms);
  return rateCall(tariffBookOf(tariff).plan('4008', planId), tariff.timeZone, {
    answeredAtMs: ms,
    endedAtMs: ms + 60_000,
    local,
    recordingSeconds: 0,
    ivr: false,
    includedSecondsLeft: 0,
  }).amount;
};

describe('tariffAt', () => {
  it('is the default tariff itself before any rate version is in force', () => {
    expect(tariffAt(DEFAULT_TARIFF, versions, EFFECTIVE - 1)).toBe(DEFAULT_TARIFF);
    expect(tariffAt(DEFAULT_TARIFF, [], EFFECTIVE)).toBe(DEFAULT_TARIFF);
    expect(tariffKeyAt(DEFAULT_TARIFF, versions, EFFECTIVE - 1)).toBe('');
  });

  it('moves the quote and the charge together at the effective instant', () => {
    // Thursday 31 Dec 2026 23:59 Shanghai is off-peak (late evening, 30% off): compare full-rate instants.
    const before = Date.parse('2026-12-31T02:00:00Z'); // Thu 31 Dec, 10:00 Shanghai
    const after = Date.parse('2027-01-07T02:00:00Z'); // Thu 7 Jan, 10:00 Shanghai
    expect(quoteAt(before, 'basic')).toMatchObject({ localPerMinute: 15, longDistancePerMinute: 30 });
    expect(chargeAt(before, 'basic', true)).toBe(15);
    expect(chargeAt(before, 'basic', false)).toBe(30);
    expect(quoteAt(after, 'basic')).toMatchObject({ localPerMinute: 14, longDistancePerMinute: 28 });
    expect(chargeAt(after, 'basic', true)).toBe(14);
    expect(chargeAt(after, 'basic', false)).toBe(28);
    // Other plans keep their prices: business 13/26.
    expect(quoteAt(after, 'business')).toMatchObject({ localPerMinute: 13, longDistancePerMinute: 26 });
    expect(chargeAt(after, 'business', true)).toBe(13);
    // The version rating names changes with it.
    expect(tariffAt(DEFAULT_TARIFF, versions, EFFECTIVE).version).toBe('2026-11-01+payg@2027-01-01');
  });

  it('moves the worst rate behind call limits too', () => {
    const after = tariffAt(DEFAULT_TARIFF, versions, EFFECTIVE);
    // 4008 payg long distance 36 + recording 2 = 38 (was 30 + 2 = 32).
    expect(worstRatePerMinute('4008123456', true, DEFAULT_TARIFF)).toBe(32);
    expect(worstRatePerMinute('4008123456', true, after)).toBe(38);
    expect(tariffWorstRatePerMinute(after)).toBe(38);
  });
});

describe('the runtime tariff source', () => {
  it('reads the stored versions at most once a minute and falls back to the default when none', async () => {
    const { tariffAt: tariffInForce, useTariffStore } = await import('../../shared/runtime/tariffs.js');
    let reads = 0;
    let stored: TariffVersion[] = [];
    useTariffStore({
      list: async () => {
        reads++;
        return stored.map((v) => ({ ...v, scheduledBy: 'op', noticeState: 'done' as const }));
      },
    });
    try {
      const t0 = new Date(EFFECTIVE);
      expect(await tariffInForce(t0)).toBe(DEFAULT_TARIFF);
      stored = versions;
      // Within the minute the versions read stay in force; after it the new ones are read.
      expect(await tariffInForce(new Date(EFFECTIVE + 59_000))).toBe(DEFAULT_TARIFF);
      const later = await tariffInForce(new Date(EFFECTIVE + 60_000));
      expect(later.version).toBe('2026-11-01+payg@2027-01-01');
      expect(reads).toBe(2);
      // Same versions in force: the same tariff object (the compiled book is reused).
      expect(await tariffInForce(new Date(EFFECTIVE + 61_000))).toBe(later);
    } finally {
      useTariffStore();
    }
  });

  it('gives each instant of a batch the tariff in force then, from one read of the versions', async () => {
    const { tariffsInForce, tariffsFrom, useTariffStore } = await import('../../shared/runtime/tariffs.js');
    let reads = 0;
    useTariffStore({
      list: async () => {
        reads++;
        return versions.map((v) => ({ ...v, scheduledBy: 'op', noticeState: 'done' as const }));
      },
    });
    try {
      const at = await tariffsInForce(new Date(EFFECTIVE + 86_400_000));
      // The last millisecond of 31 December (Shanghai) is the default tariff; 1 January 00:00 the new one.
      expect(at(EFFECTIVE - 1)).toBe(DEFAULT_TARIFF);
      expect(at(EFFECTIVE).version).toBe('2026-11-01+payg@2027-01-01');
      expect(at(EFFECTIVE + 40 * 86_400_000)).toBe(at(EFFECTIVE));
      expect(reads).toBe(1);
      // From 20 December on: the default tariff, then the new one from its instant.
      const steps = await tariffsFrom(new Date('2026-12-20T00:00:00Z'));
      expect(steps.map((s) => [s.from, s.tariff.version])).toEqual([
        ['2026-12-20T00:00:00.000Z', '2026-11-01'],
        ['2026-12-31T16:00:00.000Z', '2026-11-01+payg@2027-01-01'],
      ]);
    } finally {
      useTariffStore();
    }
  });
});
