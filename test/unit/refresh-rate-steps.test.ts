/**
 * refreshRateSteps, the rule behind the daily tariff job's call-setup rates: new prices re-rate every
 * applied snapshot; otherwise only snapshots without steps get theirs, whatever the store's filter did, and
 * once a run left none without steps (recorded, with the format) the next runs without new prices scan nothing,
 * and say so: the daily tariff job's result (its log) tells a skipped scan from one that found nothing.
 * Default tariff by hand: a 4008 number that records costs at worst 30 + 2 = 32 a minute, and so does the
 * tariff's dearest minute (the refusal point).
 */
import { describe, expect, it } from 'vitest';
import {
  type ApplyTariffVersionsDeps,
  applyTariffVersions,
} from '../../shared/app/billing/apply-tariff-versions.js';
import { refreshRateSteps, SNAPSHOT_RATES_FORMAT } from '../../shared/app/routing/refresh-rate-steps.js';
import type { RateStep } from '../../shared/domain/routing/types.js';
import type { ListedSnapshot, RateStepsBackfill } from '../../shared/ports/routing.js';
import { defaultTariffOnly } from '../support/tariffs.js';

const AT = '2026-11-24T18:00:00.000Z';
const OLD: RateStep[] = [
  { from: '2026-10-01T00:00:00.000Z', worstRatePerMinute: 30, refusalRatePerMinute: 30 },
];
const snapshot = (accessNumber: string, fields: Record<string, unknown> = {}): ListedSnapshot => ({
  accessNumber,
  number400: '4008123456',
  routing: { recording: true },
  ...fields,
});

/** A store that ignores the listing filter (the rule must not rely on it) and answers writes as told. */
function fakeStore(
  snapshots: readonly ListedSnapshot[],
  refused: ReadonlySet<string> = new Set(),
  backfill?: RateStepsBackfill,
) {
  const writes: { accessNumber: string; rateSteps: readonly RateStep[]; onlyIfLackingSteps?: boolean }[] = [];
  const filters: unknown[] = [];
  const saved: RateStepsBackfill[] = [];
  return {
    writes,
    filters,
    saved,
    routing: {
      rateStepsBackfill: async () => saved.at(-1) ?? backfill,
      saveRateStepsBackfill: async (record: RateStepsBackfill) => void saved.push(record),
      async *appliedSnapshots(filter?: { lackingRateSteps?: boolean }) {
        filters.push(filter);
        yield snapshots;
      },
      async writeSnapshotRates(
        accessNumber: string,
        rates: { rateSteps: readonly RateStep[] },
        condition?: { onlyIfLackingSteps?: boolean },
      ) {
        if (refused.has(accessNumber)) return false;
        writes.push({ accessNumber, rateSteps: rates.rateSteps, ...condition });
        return true;
      },
    },
  };
}

const STEPS_NOW = [{ from: AT, worstRatePerMinute: 32, refusalRatePerMinute: 32 }];
const listing = [
  snapshot('+65001', {}),
  snapshot('+65002', { rateSteps: [] }),
  snapshot('+65003', { rateSteps: OLD }),
  snapshot('+65004', { number400: undefined }),
];

describe('refreshRateSteps', () => {
  it('with no new prices, writes only snapshots lacking steps, on condition they still lack them', async () => {
    const store = fakeStore(listing);
    const result = await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(store.filters).toEqual([{ lackingRateSteps: true }]);
    expect(store.writes).toEqual([
      { accessNumber: '+65001', rateSteps: STEPS_NOW, onlyIfLackingSteps: true },
      { accessNumber: '+65002', rateSteps: STEPS_NOW, onlyIfLackingSteps: true },
    ]);
    expect(result).toEqual({ snapshots: 2, givenSteps: 2, scanSkipped: false });
  });

  it('with new prices, re-rates every applied snapshot and counts those that had no steps', async () => {
    const store = fakeStore(listing);
    const result = await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: true,
    });
    expect(store.filters).toEqual([{ lackingRateSteps: false }]);
    expect(store.writes.map((w) => [w.accessNumber, w.onlyIfLackingSteps])).toEqual([
      ['+65001', false],
      ['+65002', false],
      ['+65003', false],
    ]);
    expect(result).toEqual({ snapshots: 3, givenSteps: 2, scanSkipped: false });
  });

  it('does not count a write the store refused (cleared meanwhile, or an apply gave steps first)', async () => {
    const store = fakeStore(listing, new Set(['+65001']));
    const result = await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(result).toEqual({ snapshots: 1, givenSteps: 1, scanSkipped: false });
  });

  it('records the backfill once a run left no snapshot without steps; the next run scans nothing', async () => {
    const store = fakeStore(listing.slice(0, 3));
    const tariffReads: Date[] = [];
    const deps = {
      routing: store.routing,
      tariffsFrom: async (at: Date) => {
        tariffReads.push(at);
        return defaultTariffOnly(at);
      },
    };
    expect(await refreshRateSteps(deps, AT, { pricesChanged: false })).toEqual({
      snapshots: 2,
      givenSteps: 2,
      scanSkipped: false,
    });
    expect(SNAPSHOT_RATES_FORMAT).toBe(1);
    expect(store.saved).toEqual([{ format: 1, at: AT }]);
    // The next day: no listing, no tariff read, no write.
    const next = '2026-11-25T18:00:00.000Z';
    expect(await refreshRateSteps(deps, next, { pricesChanged: false })).toEqual({
      snapshots: 0,
      givenSteps: 0,
      scanSkipped: true,
    });
    expect(store.filters).toEqual([{ lackingRateSteps: true }]);
    expect(tariffReads).toHaveLength(1);
    expect(store.writes).toHaveLength(2);
    // New prices: every snapshot is re-rated all the same (the listing holds 3, all written).
    expect(await refreshRateSteps(deps, next, { pricesChanged: true })).toEqual({
      snapshots: 3,
      givenSteps: 2,
      scanSkipped: false,
    });
    expect(store.filters).toEqual([{ lackingRateSteps: true }, { lackingRateSteps: false }]);
  });

  it('counts a write refused because the snapshot has steps or no routing by now as done', async () => {
    const store = fakeStore(listing.slice(0, 3), new Set(['+65001']));
    await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(store.saved).toEqual([{ format: 1, at: AT }]);
  });

  it('records nothing while a snapshot it found without steps could not be given any', async () => {
    // +65004 has routing and no steps, but no 400 number to rate it by.
    const store = fakeStore(listing);
    await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(store.saved).toEqual([]);
  });

  it('scans again when the record is of another format', async () => {
    const store = fakeStore(listing.slice(0, 1), new Set(), { format: 0, at: '2026-10-01T00:00:00.000Z' });
    const result = await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(result).toEqual({ snapshots: 1, givenSteps: 1, scanSkipped: false });
    expect(store.saved).toEqual([{ format: 1, at: AT }]);
  });
});

describe('the daily tariff job', () => {
  const noPending = {
    tariffs: { pending: async () => [] } as unknown as ApplyTariffVersionsDeps['tariffs'],
    contracts: {} as ApplyTariffVersionsDeps['contracts'],
    notifications: {
      publish: async () => {
        throw new Error('nothing pending: nobody is told');
      },
    },
  };

  it('says in its result that it skipped the scan because the backfill record says none are left', async () => {
    const store = fakeStore(listing.slice(0, 3));
    const deps: ApplyTariffVersionsDeps = {
      ...noPending,
      refreshCallRates: (at, options) =>
        refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, at, options),
    };
    // The first run scans and gives +65001 and +65002 their steps, then records the backfill.
    expect(await applyTariffVersions(deps, AT, 'Asia/Shanghai')).toEqual({
      versions: 0,
      contractsUpdated: 0,
      tenantsNotified: 0,
      snapshotsRerated: 2,
      snapshotsGivenRateSteps: 2,
      rateStepsScanSkipped: false,
    });
    // The next day's run reads the record and scans nothing.
    expect(await applyTariffVersions(deps, '2026-11-25T18:00:00.000Z', 'Asia/Shanghai')).toEqual({
      versions: 0,
      contractsUpdated: 0,
      tenantsNotified: 0,
      snapshotsRerated: 0,
      snapshotsGivenRateSteps: 0,
      rateStepsScanSkipped: true,
    });
    expect(store.filters).toEqual([{ lackingRateSteps: true }]);
  });
});
