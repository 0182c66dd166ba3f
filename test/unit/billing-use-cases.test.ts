/** Billing's use cases against in-memory ports: the branches the integration tests reach only slowly. */
import { describe, expect, it } from 'vitest';
import { recordIncident } from '../../shared/app/billing/record-incident.js';
import { CatchUpPending, runMonthlyBilling } from '../../shared/app/billing/run-monthly-billing.js';
import { scheduleTariff } from '../../shared/app/billing/schedule-tariff.js';
import type { BillingMessage, RunRecord } from '../../shared/domain/billing/run.js';
import type { BillingContractStore } from '../../shared/ports/billing-contracts.js';
import type { BillingRunStore } from '../../shared/ports/billing-runs.js';
import type { IncidentStore, StoredIncident } from '../../shared/ports/incidents.js';
import type { StoredTariff, TariffStore } from '../../shared/ports/tariffs.js';

function runStore(records: Map<string, RunRecord>): BillingRunStore {
  const record = (month: string, startedAt: string): RunRecord => ({
    job: 'billing-monthly',
    month,
    phase: 'running',
    startedAt,
    leaseUntil: startedAt,
    enqueued: false,
    batchesDone: 0,
    contractsBilled: 0,
    chargesPosted: 0,
    statementsWritten: 0,
    failures: 0,
  });
  return {
    read: async (_job, period) => records.get(period),
    acquire: async (_job, period, lease) => {
      if (records.has(period)) return undefined;
      records.set(period, record(period, lease.startedAt));
      return records.get(period);
    },
    markEnqueued: async () => undefined,
    markBatchDone: async () => false,
    countFailure: async () => undefined,
    // Never completes: a caught-up month whose batches are stuck.
    completeIfDone: async () => false,
  };
}

const noContracts = { all: async () => [] } as unknown as BillingContractStore;

describe('runMonthlyBilling', () => {
  it('fails with CatchUpPending when a caught-up month does not complete within the wait, on the injected timer', async () => {
    // Prepare: billing began in 2026-01 (a run record), February was never run.
    const records = new Map<string, RunRecord>();
    await runStore(records).acquire('billing-monthly', '2026-01', {
      startedAt: '2026-01-31T16:10:00.000Z',
      now: '2026-01-31T16:10:00.000Z',
      leaseUntil: '2026-01-31T16:25:00.000Z',
    });
    let elapsed = 0;
    const sent: BillingMessage[][] = [];
    // Act
    const run = runMonthlyBilling(
      {
        runs: runStore(records),
        contracts: noContracts,
        ledgerReads: {
          entriesBetween: async () => [],
          balanceBefore: async () => 0,
          monthChargesOf: async () => [],
        },
        reads: { incidents: async () => [], lateCreditMonths: async () => [] },
        queue: { send: async (messages) => void sent.push([...messages]) },
        clock: { now: () => new Date('2026-03-31T16:10:00.000Z') },
        sleep: async (ms) => {
          elapsed += ms;
        },
        elapsedMs: () => elapsed,
      },
      '2026-03-31T16:10:00.000Z',
      'Asia/Shanghai',
    );
    // Assess: February is started, March is not, and the wait ended at its deadline (10 minutes).
    await expect(run).rejects.toBeInstanceOf(CatchUpPending);
    await expect(run).rejects.toMatchObject({ month: '2026-02' });
    expect([...records.keys()].sort()).toEqual(['2026-01', '2026-02']);
    expect(elapsed).toBeGreaterThanOrEqual(9 * 60_000);
    expect(elapsed).toBeLessThanOrEqual(10 * 60_000);
  });
});

describe('recordIncident', () => {
  const incidents = (): IncidentStore => {
    const stored = new Map<string, StoredIncident>();
    return {
      create: async (i) => {
        if (stored.has(i.incidentId)) return false;
        stored.set(i.incidentId, i);
        return true;
      },
      get: async (id) => stored.get(id),
      overlapping: async () => [],
      list: async () => ({ items: [...stored.values()] }),
    };
  };
  const request = {
    incidentId: 'inc-1',
    startAt: '2026-01-20T09:00:00+08:00',
    endAt: '2026-01-20T12:00:00+08:00',
    numbers: ['4008000002', '4008000001', '4008000001'],
    description: 'trunk down',
  };
  const ctx = { recordedBy: 'op', now: new Date('2026-01-21T00:00:00.000Z') };

  it('stores it normalised, answers the same incident again, and refuses other details under its id', async () => {
    const deps = { incidents: incidents() };
    const first = await recordIncident(deps, request, ctx);
    expect(first).toMatchObject({
      created: true,
      incident: {
        startAt: '2026-01-20T01:00:00.000Z',
        numbers: ['4008000001', '4008000002'],
        recordedAt: '2026-01-21T00:00:00.000Z',
      },
    });
    expect(await recordIncident(deps, request, ctx)).toEqual({ ...first, created: false });
    await expect(
      recordIncident(deps, { ...request, endAt: '2026-01-20T13:00:00+08:00' }, ctx),
    ).rejects.toMatchObject({ code: 'incident_exists' });
  });

  it('refuses an end not after the start, or in the future', async () => {
    const deps = { incidents: incidents() };
    await expect(recordIncident(deps, { ...request, endAt: request.startAt }, ctx)).rejects.toMatchObject({
      code: 'invalid_period',
    });
    await expect(
      recordIncident(deps, { ...request, endAt: '2026-01-22T00:00:00.000Z' }, ctx),
    ).rejects.toMatchObject({ code: 'incident_in_future' });
  });
});

describe('scheduleTariff', () => {
  it('dates the version at the injected instant and refuses one too soon', async () => {
    const stored: StoredTariff[] = [];
    const tariffs: TariffStore = {
      create: async (version, scheduledBy) => {
        const tariff: StoredTariff = { ...version, scheduledBy, noticeState: 'pending' };
        stored.push(tariff);
        return tariff;
      },
      list: async () => stored,
      pending: async () => stored,
      markNotified: async () => undefined,
    };
    const now = new Date('2026-03-20T02:00:00.000Z');
    const { tariff } = await scheduleTariff(
      { tariffs },
      { planId: 'business', effectiveFrom: '2026-05-01', monthlyRent: 30_000 },
      { scheduledBy: 'op', now, zone: 'Asia/Shanghai' },
    );
    expect(tariff).toMatchObject({ scheduledAt: '2026-03-20T02:00:00.000Z', description: '' });
    await expect(
      scheduleTariff(
        { tariffs },
        { planId: 'business', effectiveFrom: '2026-04-01', monthlyRent: 30_000 },
        { scheduledBy: 'op', now, zone: 'Asia/Shanghai' },
      ),
    ).rejects.toMatchObject({ kind: 'validation' });
  });
});
