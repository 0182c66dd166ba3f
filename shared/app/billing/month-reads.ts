/**
 * What the scheduler and every worker of a month read alike: the month's incidents, and the earlier months
 * with incidents recorded after their run started (late SLA credits). A worker handles many batches of a
 * month in a row, so each is read once a minute at most per process (the run starts after the month
 * ended, and incidents are recorded before it); the scheduler reads late months afresh, which refreshes
 * what the workers beside it read.
 */
import {
  type BillingMonth,
  type MonthBounds,
  monthBounds,
  previousMonth,
} from '../../domain/billing/calendar.js';
import { creditChain, LATE_CREDIT_MONTHS, lateSlaCredit, slaWaiver } from '../../domain/billing/charges.js';
import { MONTHLY_JOB } from '../../domain/billing/run.js';
import type { BillingContract, ServiceIncident } from '../../domain/billing/types.js';
import type { BillingRunStore } from '../../ports/billing-runs.js';
import type { IncidentStore, StoredIncident } from '../../ports/incidents.js';
import type { BillingLedgerReads } from '../../ports/statements.js';

/** An earlier month with incidents recorded after its run started (so its run may not have seen them). */
export interface LateCreditMonth {
  readonly month: BillingMonth;
  /** Every incident overlapping the month (overlapping outages merge, whenever recorded). */
  readonly incidents: readonly StoredIncident[];
  /** Those recorded after the month's run started (less a margin for clocks). */
  readonly late: readonly StoredIncident[];
}

export interface MonthReads {
  /** Incidents overlapping the month. */
  incidents(bounds: MonthBounds): Promise<ServiceIncident[]>;
  /** The months before `month` (up to LATE_CREDIT_MONTHS) that were billed and have incidents recorded late. */
  lateCreditMonths(
    month: BillingMonth,
    zone: string,
    options?: { fresh?: boolean },
  ): Promise<LateCreditMonth[]>;
}

/** Incidents recorded this long before a run started are taken as possibly unseen by it (clock skew). */
const RECORDED_MARGIN_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const MAX_AGE_MS = 60_000;

/** The `count` months before `month`, oldest first. */
export function monthsBefore(month: BillingMonth, count: number): BillingMonth[] {
  const months: BillingMonth[] = [];
  let m = month;
  for (let i = 0; i < count; i++) {
    m = previousMonth(m);
    months.unshift(m);
  }
  return months;
}

/**
 * The month reads, each kept for a minute of elapsed time (a failed read is forgotten at once). The age is
 * measured on a monotonic timer, not the business clock: it bounds how stale a worker's reads are.
 */
export function cachedMonthReads(
  deps: { readonly runs: BillingRunStore; readonly incidents: IncidentStore },
  elapsedMs: () => number = () => performance.now(),
): MonthReads {
  const incidentCache = new Map<string, { at: number; incidents: Promise<ServiceIncident[]> }>();
  const lateCache = new Map<string, { at: number; months: Promise<LateCreditMonth[]> }>();

  async function readLateMonths(month: BillingMonth, zone: string): Promise<LateCreditMonth[]> {
    const found: LateCreditMonth[] = [];
    for (const earlier of monthsBefore(month, LATE_CREDIT_MONTHS)) {
      const run = await deps.runs.read(MONTHLY_JOB, earlier);
      if (!run) continue; // never billed: its own (catch-up) run credits what it finds
      const bounds = monthBounds(earlier, zone);
      // A day either side: contracts in other zones have the month a few hours off.
      const incidents = await deps.incidents.overlapping(
        new Date(Date.parse(bounds.startAt) - DAY_MS).toISOString(),
        new Date(Date.parse(bounds.endAt) + DAY_MS).toISOString(),
      );
      const since = new Date(Date.parse(run.startedAt) - RECORDED_MARGIN_MS).toISOString();
      const late = incidents.filter((i) => i.recordedAt >= since);
      if (late.length > 0) found.push({ month: earlier, incidents, late });
    }
    return found;
  }

  return {
    incidents(bounds) {
      const cached = incidentCache.get(bounds.startAt);
      if (cached && elapsedMs() - cached.at < MAX_AGE_MS) return cached.incidents;
      const incidents = deps.incidents.overlapping(bounds.startAt, bounds.endAt);
      incidentCache.set(bounds.startAt, { at: elapsedMs(), incidents });
      incidents.catch(() => incidentCache.delete(bounds.startAt));
      return incidents;
    },
    lateCreditMonths(month, zone, options = {}) {
      const cached = lateCache.get(month);
      if (!options.fresh && cached && elapsedMs() - cached.at < MAX_AGE_MS) return cached.months;
      const months = readLateMonths(month, zone);
      lateCache.set(month, { at: elapsedMs(), months });
      months.catch(() => lateCache.delete(month));
      return months;
    },
  };
}

/**
 * The credit an earlier month still owes a contract for outages recorded late, after reading that month's
 * posted charges (rent and credits) — unless the waiver is nothing, the common case, which needs no read.
 */
export async function lateCreditDue(
  ledger: BillingLedgerReads,
  contract: BillingContract,
  earlier: LateCreditMonth,
  appliedIn: BillingMonth,
): Promise<ReturnType<typeof lateSlaCredit>> {
  const waiver = slaWaiver(contract, earlier.month, earlier.incidents);
  if (waiver.credit === 0) return undefined;
  const posted = await ledger.monthChargesOf(contract.tenantId, contract.number, earlier.month);
  return lateSlaCredit({
    contract,
    waiver,
    outageMonth: earlier.month,
    incidents: earlier.incidents,
    chain: creditChain(contract.tenantId, contract.number, earlier.month, posted),
    appliedIn,
    recordedLate: earlier.late.map((i) => i.incidentId),
  });
}
