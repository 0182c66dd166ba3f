/**
 * refreshRateSteps, the rule behind the daily tariff job's call-setup rates: new prices re-rate every
 * applied snapshot; otherwise only snapshots without steps get theirs, whatever the store's filter did.
 * Default tariff by hand: a 4008 number that records costs at worst 30 + 2 = 32 a minute, and so does the
 * tariff's dearest minute (the refusal point).
 */
import { describe, expect, it } from 'vitest';
import { refreshRateSteps } from '../../shared/app/routing/refresh-rate-steps.js';
import type { RateStep } from '../../shared/domain/routing/types.js';
import type { ListedSnapshot } from '../../shared/ports/routing.js';
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
function fakeStore(snapshots: readonly ListedSnapshot[], refused: ReadonlySet<string> = new Set()) {
  const writes: { accessNumber: string; rateSteps: readonly RateStep[]; onlyIfLackingSteps?: boolean }[] = [];
  const filters: unknown[] = [];
  return {
    writes,
    filters,
    routing: {
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
    expect(result).toEqual({ snapshots: 2, givenSteps: 2 });
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
    expect(result).toEqual({ snapshots: 3, givenSteps: 2 });
  });

  it('does not count a write the store refused (cleared meanwhile, or an apply gave steps first)', async () => {
    const store = fakeStore(listing, new Set(['+65001']));
    const result = await refreshRateSteps({ routing: store.routing, tariffsFrom: defaultTariffOnly }, AT, {
      pricesChanged: false,
    });
    expect(result).toEqual({ snapshots: 1, givenSteps: 1 });
  });
});
