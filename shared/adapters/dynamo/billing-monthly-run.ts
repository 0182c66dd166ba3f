/**
 * The monthly billing run, composed from the billing adapters (kept out of shared/domain because it does
 * I/O; every rule it applies is in shared/domain/billing).
 *
 * Fan-out: one scheduler invocation scans the contracts, groups them by tenant and sends batches of
 * about 100 contracts (whole tenants) to the billing queue; workers charge each batch through the ledger
 * under `tenant#number#YYYY-MM#kind` and write the batch's statements. The run record counts batches
 * done; the last one completes the run. Every step is safe to repeat: the ledger refuses a key twice, a
 * tenant whose statement exists is skipped, a batch is counted once.
 */
import {
  type BillingMonth,
  type MonthBounds,
  monthBounds,
  monthJustEnded,
  previousMonth,
} from '../../domain/billing/calendar.js';
import { chargeKey, monthlyCharges } from '../../domain/billing/charges.js';
import { type ChargeBatchMessage, planBatches } from '../../domain/billing/run.js';
import {
  assembleStatement,
  type LedgerLine,
  lateEntriesFor,
  type Statement,
} from '../../domain/billing/statement.js';
import type { BillingContract, NumberUsage, ServiceIncident } from '../../domain/billing/types.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import { logger } from '../../observability.js';
import { port } from '../../runtime/ports.js';
import type { BillingQueue } from '../sqs/billing-queue.js';
import { allContracts } from './billing-contracts.js';
import { acquireRun, completeIfDone, markBatchDone, markEnqueued } from './billing-runs.js';
import { incidentsOverlapping } from './incident-store.js';
import { balanceBefore, entriesBetween, readStatements, writeStatements } from './statement-store.js';

export const MONTHLY_JOB = 'billing-monthly';

let ledgerOverride: LedgerPort | undefined;
/** Tests install a ledger that fails on cue (a worker killed mid-batch); undefined restores the store. */
export function useBillingLedger(ledger: LedgerPort | undefined): void {
  ledgerOverride = ledger;
}
export async function billingLedger(): Promise<LedgerPort> {
  if (ledgerOverride) return ledgerOverride;
  const { createLedgerPort } = await import('./ledger-store.js');
  return createLedgerPort();
}
/** A scheduler that has not finished enqueueing within this is presumed dead and may be taken over. */
const LEASE_MS = 15 * 60_000;

export interface MonthlyRunResult {
  readonly month: BillingMonth;
  readonly status: 'started' | 'skipped';
  readonly batches: number;
  readonly contracts: number;
  readonly tenants: number;
  readonly completed: boolean;
}

/** True when a contract has any service day in the month (a lapsed or future one is not billed). */
function serves(contract: BillingContract, bounds: MonthBounds): boolean {
  return (
    contract.serviceFrom < bounds.to && (contract.serviceTo === undefined || contract.serviceTo > bounds.from)
  );
}

export async function startMonthlyRun(
  at: string,
  zone: string,
  queue: BillingQueue,
): Promise<MonthlyRunResult> {
  const month = monthJustEnded(at, zone);
  const now = new Date(at);
  const run = await acquireRun(MONTHLY_JOB, month, now, LEASE_MS);
  if (!run) return { month, status: 'skipped', batches: 0, contracts: 0, tenants: 0, completed: false };
  const contracts: BillingContract[] = [];
  for (const c of await allContracts(zone)) if (serves(c, monthBounds(month, c.timeZone))) contracts.push(c);
  const batches = planBatches(month, contracts);
  const tenants = batches.reduce((n, b) => n + b.tenants.length, 0);
  await queue.send(batches);
  // Only now may the run complete: until `enqueued` is set no worker can, however early it finishes;
  // whichever of us and the workers sees the last batch done completes it.
  await markEnqueued(MONTHLY_JOB, month, { batches: batches.length, contracts: contracts.length, tenants });
  const completed = await completeIfDone(MONTHLY_JOB, month, new Date().toISOString());
  return {
    month,
    status: 'started',
    batches: batches.length,
    contracts: contracts.length,
    tenants,
    completed,
  };
}

function usageByNumber(entries: readonly LedgerLine[]): Map<string, NumberUsage> {
  const usage = new Map<string, NumberUsage>();
  for (const e of entries) {
    if ((e.kind !== 'call' && e.kind !== 'call_adjustment') || !e.number) continue;
    const before = usage.get(e.number) ?? { number: e.number, calls: 0, billedSeconds: 0, charges: 0 };
    const seconds = typeof e.meta?.billedSeconds === 'number' ? e.meta.billedSeconds : 0;
    usage.set(e.number, {
      number: e.number,
      calls: before.calls + (e.kind === 'call' ? 1 : 0),
      billedSeconds: before.billedSeconds + seconds,
      charges: before.charges - e.amount,
    });
  }
  return usage;
}

export function chargeEntries(
  contract: BillingContract,
  month: BillingMonth,
  bounds: MonthBounds,
  usage: NumberUsage | undefined,
  incidents: readonly ServiceIncident[],
): LedgerEntryInput[] {
  return monthlyCharges({ contract, month, incidents, ...(usage ? { usage } : {}) }).map((charge) => ({
    tenantId: contract.tenantId,
    key: chargeKey(contract.tenantId, contract.number, month, charge.kind),
    kind: charge.kind,
    amount: charge.amount,
    at: bounds.lastInstant,
    description: charge.description,
    number: contract.number,
    meta: { ...charge.meta, contractId: contract.contractId },
  }));
}

/**
 * A worker handles many batches of the same month in a row: the month's incidents are read once a minute
 * at most (the run starts after the month ended; incidents are recorded before it).
 */
const incidentCache = new Map<string, { at: number; incidents: Promise<ServiceIncident[]> }>();
function incidentsFor(bounds: MonthBounds): Promise<ServiceIncident[]> {
  const cached = incidentCache.get(bounds.startAt);
  if (cached && Date.now() - cached.at < 60_000) return cached.incidents;
  const incidents = incidentsOverlapping(bounds.startAt, bounds.endAt);
  incidentCache.set(bounds.startAt, { at: Date.now(), incidents });
  incidents.catch(() => incidentCache.delete(bounds.startAt));
  return incidents;
}

/**
 * Tells each tenant its statement is ready. Best effort after the write: the statement is the record, a
 * lost notice is logged (a redelivered batch skips stated tenants, so it is not retried).
 */
async function announceStatements(statements: readonly Statement[]): Promise<void> {
  let notifications: Awaited<ReturnType<typeof port<'notifications'>>>;
  try {
    notifications = await port('notifications');
  } catch (error) {
    logger.warn('no notifications port: statements not announced', { error: error as Error });
    return;
  }
  for (const s of statements) {
    const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
    await notifications
      .publish({
        tenantId: s.tenantId,
        kind: 'statement_ready',
        subject: `Your ${s.month} statement is ready`,
        text: `Statement ${s.month}: opening ${yuan(s.openingBalance)}, charges ${yuan(s.totalDebits)}, credits ${yuan(s.totalCredits)}, closing ${yuan(s.closingBalance)}.`,
        dedupeKey: `statement#${s.tenantId}#${s.month}`,
        attributes: { month: s.month },
      })
      .catch((error: unknown) =>
        logger.warn('statement notice failed', { tenantId: s.tenantId, error: error as Error }),
      );
  }
}

/** Tenants whose ledger a worker reads at once. */
const TENANT_READS_AT_ONCE = 8;

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface BatchResult {
  readonly contracts: number;
  readonly charges: number;
  readonly statements: number;
  readonly skippedTenants: number;
}

/** Charges one batch and writes its tenants' statements. Safe to run again, whole or after a crash. */
export async function processChargeBatch(
  message: ChargeBatchMessage,
  zone: string,
  ledger: LedgerPort,
): Promise<BatchResult> {
  const { month } = message;
  const bounds = monthBounds(month, zone);
  const previous = previousMonth(month);
  const existing = await readStatements(
    message.tenants.flatMap((t) => [
      { tenantId: t.tenantId, month },
      { tenantId: t.tenantId, month: previous },
    ]),
  );
  const pending = message.tenants.filter((t) => !existing.has(`${t.tenantId}|${month}`));
  if (pending.length === 0) {
    const contracts = message.tenants.reduce((n, t) => n + t.contracts.length, 0);
    return {
      contracts,
      charges: 0,
      statements: message.tenants.length,
      skippedTenants: message.tenants.length,
    };
  }
  const incidents = await incidentsFor(bounds);

  // One query per tenant covers this month and the last (to find entries that reached it after its statement).
  const previousBounds = monthBounds(previous, zone);
  const entriesByTenant = new Map<string, LedgerLine[]>();
  const lateByTenant = new Map<string, LedgerLine[]>();
  const posting: LedgerEntryInput[] = [];
  const reads = await mapLimit(pending, TENANT_READS_AT_ONCE, async (tenant) => {
    const hasPrevious = existing.has(`${tenant.tenantId}|${previous}`);
    const all = await entriesBetween(
      tenant.tenantId,
      hasPrevious ? previousBounds.startAt : bounds.startAt,
      bounds.endAt,
    );
    const opening = hasPrevious ? undefined : await balanceBefore(tenant.tenantId, bounds.startAt);
    return { tenant, all, opening };
  });
  const openings = new Map<string, number>();
  for (const { tenant, all, opening } of reads) {
    if (opening !== undefined) openings.set(tenant.tenantId, opening);
    const entries = all.filter((e) => e.at >= bounds.startAt);
    entriesByTenant.set(tenant.tenantId, entries);
    lateByTenant.set(
      tenant.tenantId,
      all.filter((e) => e.at < bounds.startAt),
    );
    const usage = usageByNumber(entries);
    for (const contract of tenant.contracts) {
      const cb = contract.timeZone === zone ? bounds : monthBounds(month, contract.timeZone);
      posting.push(...chargeEntries(contract, month, cb, usage.get(contract.number), incidents));
    }
  }
  // Posted tenant by tenant (the ledger transacts per account anyway): a tenant the ledger refuses (an
  // idempotency conflict) fails alone; the others get their statements and are skipped on redelivery.
  const byTenant = new Map<string, LedgerEntryInput[]>();
  for (const p of posting) byTenant.set(p.tenantId, [...(byTenant.get(p.tenantId) ?? []), p]);
  let charges = 0;
  const failed: { tenantId: string; error: unknown }[] = [];
  if (ledger.postMany) {
    // Several tenants per transaction (a tenant is still all or nothing, and fails alone).
    const outcomes = await ledger.postMany(posting);
    for (const [tenantId, outcome] of outcomes) {
      if (outcome.ok) charges += outcome.result.applied.length + outcome.result.duplicates.length;
      else failed.push({ tenantId, error: outcome.error });
    }
  } else {
    await mapLimit(pending, TENANT_READS_AT_ONCE, async (tenant) => {
      const entries = byTenant.get(tenant.tenantId) ?? [];
      if (entries.length === 0) return;
      try {
        const result = await ledger.post(entries);
        charges += result.applied.length + result.duplicates.length;
      } catch (error) {
        failed.push({ tenantId: tenant.tenantId, error });
      }
    });
  }
  const failedTenants = new Set(failed.map((f) => f.tenantId));

  const statements: Statement[] = [];
  for (const tenant of pending) {
    if (failedTenants.has(tenant.tenantId)) continue;
    const inLedger = entriesByTenant.get(tenant.tenantId) ?? [];
    const known = new Set(inLedger.map((e) => e.key));
    const charged = (byTenant.get(tenant.tenantId) ?? [])
      .filter((p) => !known.has(p.key))
      .map((p) => ({
        key: p.key,
        kind: p.kind,
        amount: p.amount,
        at: p.at,
        description: p.description,
        number: p.number,
      }));
    const before = existing.get(`${tenant.tenantId}|${previous}`);
    const opening = before ? before.closingBalance : (openings.get(tenant.tenantId) ?? 0);
    const late = before ? lateEntriesFor(before, lateByTenant.get(tenant.tenantId) ?? []) : undefined;
    statements.push(
      assembleStatement({
        tenantId: tenant.tenantId,
        month,
        timeZone: zone,
        periodStart: bounds.startAt,
        periodEnd: bounds.endAt,
        openingBalance: opening,
        entries: [...inLedger, ...charged],
        ...(late ? { lateEntries: late } : {}),
      }),
    );
  }
  await writeStatements(statements, new Date().toISOString());
  await announceStatements(statements);
  if (failed.length > 0) {
    throw new BatchIncomplete(message.batchId, failed);
  }
  // Counted for the whole batch: a redelivery after a crash reports what the batch holds, not the remainder.
  return {
    contracts: message.tenants.reduce((n, t) => n + t.contracts.length, 0),
    charges,
    statements: message.tenants.length,
    skippedTenants: message.tenants.length - pending.length,
  };
}

/** Some tenants of a batch could not be charged: the batch is redelivered for them alone. */
export class BatchIncomplete extends Error {
  override readonly name = 'BatchIncomplete';
  constructor(
    readonly batchId: string,
    readonly failures: readonly { tenantId: string; error: unknown }[],
  ) {
    super(
      `batch ${batchId}: ${failures.length} tenant(s) not charged: ${failures
        .map((f) => `${f.tenantId} (${(f.error as Error)?.message ?? String(f.error)})`)
        .join('; ')}`,
    );
  }
}

export async function finishBatch(message: ChargeBatchMessage, result: BatchResult): Promise<boolean> {
  const allDone = await markBatchDone(MONTHLY_JOB, message.month, message.batchId, result);
  return allDone ? completeIfDone(MONTHLY_JOB, message.month, new Date().toISOString()) : false;
}
