/**
 * The monthly billing run, composed from the billing adapters (kept out of shared/domain because it does
 * I/O; every rule it applies is in shared/domain/billing).
 *
 * Fan-out: one scheduler invocation scans the contracts, groups them by tenant and sends batches of
 * about 100 contracts (whole tenants) to the billing queue; workers charge each batch through the ledger
 * under `tenant#number#YYYY-MM#kind` and write the batch's statements. The run record counts batches
 * done; the last one completes the run. Every step is safe to repeat: the ledger refuses a key twice, a
 * tenant whose statement exists is skipped, a batch is counted once.
 *
 * Catch-up: the scheduler for month M first starts the runs of up to CATCH_UP_MONTHS earlier months that
 * have no completed run (the 1st's schedule failed, the system was down), oldest first — but never a
 * month before the first one this deployment ever billed. Late SLA credits: the run for M also credits
 * outages of the LATE_CREDIT_MONTHS months before it that were recorded after those months' runs started
 * (see `slaCreditKey` for how each credit is posted once whichever run posts it).
 */
import {
  type BillingMonth,
  type MonthBounds,
  monthBounds,
  monthJustEnded,
  previousMonth,
} from '../../domain/billing/calendar.js';
import {
  affectsNumber,
  type CreditChain,
  chargeKey,
  creditChain,
  LATE_CREDIT_MONTHS,
  lateSlaCredit,
  monthlyCharges,
  slaCreditKey,
  slaWaiver,
} from '../../domain/billing/charges.js';
import { type ChargeBatchMessage, planBatches } from '../../domain/billing/run.js';
import {
  assembleStatement,
  type LedgerLine,
  lateEntriesFor,
  type Statement,
} from '../../domain/billing/statement.js';
import type { BillingContract, Charge, NumberUsage, ServiceIncident } from '../../domain/billing/types.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import { logger } from '../../observability.js';
import { port } from '../../runtime/ports.js';
import type { BillingQueue } from '../sqs/billing-queue.js';
import { allContracts } from './billing-contracts.js';
import { acquireRun, completeIfDone, markBatchDone, markEnqueued, readRun } from './billing-runs.js';
import { incidentsOverlapping, type StoredIncident } from './incident-store.js';
import {
  balanceBefore,
  entriesBetween,
  monthChargesOf,
  readStatements,
  writeStatements,
} from './statement-store.js';

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

/** How many months before the one a scheduler bills it catches up (each lacking a completed run). */
export const CATCH_UP_MONTHS = 3;
/** How far back a scheduler looks for the first month ever billed (a fresh deployment catches up nothing). */
const HISTORY_MONTHS = 15;

/** True when a contract has any service day in the month (a lapsed or future one is not billed). */
function serves(contract: BillingContract, bounds: MonthBounds): boolean {
  return (
    contract.serviceFrom < bounds.to && (contract.serviceTo === undefined || contract.serviceTo > bounds.from)
  );
}

const monthsBefore = (month: BillingMonth, count: number): BillingMonth[] => {
  const months: BillingMonth[] = [];
  let m = month;
  for (let i = 0; i < count; i++) {
    m = previousMonth(m);
    months.unshift(m);
  }
  return months;
};

/**
 * The earlier months a scheduler for `month` must run first, oldest first: those of the last
 * CATCH_UP_MONTHS with no completed run, after the first month with any run record (billing began then;
 * a new deployment's first run bills its own month only).
 */
export async function monthsToCatchUp(month: BillingMonth): Promise<BillingMonth[]> {
  const history = monthsBefore(month, HISTORY_MONTHS);
  const runs = await Promise.all(history.map((m) => readRun(MONTHLY_JOB, m)));
  const first = runs.findIndex((r) => r !== undefined);
  if (first < 0) return [];
  return history.filter(
    (_month, i) => i > first && i >= history.length - CATCH_UP_MONTHS && runs[i]?.phase !== 'complete',
  );
}

/**
 * Bills the month just ended at `at` (the schedule's intended instant: a run started days late still
 * bills the month before it), after catching up the months a failed schedule left unbilled.
 */
export async function startMonthlyRun(
  at: string,
  zone: string,
  queue: BillingQueue,
): Promise<MonthlyRunResult & { readonly caughtUp: readonly MonthlyRunResult[] }> {
  const month = monthJustEnded(at, zone);
  const now = new Date(at);
  let contracts: Promise<BillingContract[]> | undefined;
  const everyContract = () => {
    contracts ??= allContracts(zone);
    return contracts;
  };
  const caughtUp: MonthlyRunResult[] = [];
  const deadline = Date.now() + CATCH_UP_WAIT_MS;
  for (const missed of await monthsToCatchUp(month)) {
    caughtUp.push(await runMonth(missed, now, zone, queue, everyContract));
    // Oldest first means finished first: a month's statements open with the one before's closing, so the
    // next month is not enqueued while this one (ours, or another copy's) still has batches in flight.
    await untilComplete(missed, deadline);
  }
  const result = await runMonth(month, now, zone, queue, everyContract);
  return { ...result, caughtUp };
}

/** How long a scheduler waits for the months it caught up to complete (its timeout is 15 minutes). */
const CATCH_UP_WAIT_MS = 10 * 60_000;
const CATCH_UP_POLL_MS = 1_000;

/** An earlier month is still being billed: the scheduler fails, and EventBridge Scheduler retries it later. */
export class CatchUpPending extends Error {
  override readonly name = 'CatchUpPending';
  constructor(readonly month: BillingMonth) {
    super(`billing run ${month} not complete yet: later months wait for it (the schedule retries)`);
  }
}

async function untilComplete(month: BillingMonth, deadline: number): Promise<void> {
  for (;;) {
    if ((await readRun(MONTHLY_JOB, month))?.phase === 'complete') return;
    if (Date.now() + CATCH_UP_POLL_MS > deadline) throw new CatchUpPending(month);
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
  }
}

async function runMonth(
  month: BillingMonth,
  now: Date,
  zone: string,
  queue: BillingQueue,
  everyContract: () => Promise<BillingContract[]>,
): Promise<MonthlyRunResult> {
  const run = await acquireRun(MONTHLY_JOB, month, now, LEASE_MS);
  if (!run) return { month, status: 'skipped', batches: 0, contracts: 0, tenants: 0, completed: false };
  // A contract that no longer serves this month still gets a batch when an outage of an earlier month it
  // served was recorded late and a credit is still due to it: a run must post it (rare: read then).
  const late = await lateCreditMonths(month, zone, true);
  const contracts: BillingContract[] = [];
  const ended: BillingContract[] = [];
  for (const c of await everyContract()) {
    if (serves(c, monthBounds(month, c.timeZone))) contracts.push(c);
    else if (late.some((l) => l.late.some((i) => affectsNumber(i, c.number)))) ended.push(c);
  }
  const owed = await mapLimit(ended, TENANT_READS_AT_ONCE, async (c) => {
    for (const earlier of late)
      if (earlier.late.some((i) => affectsNumber(i, c.number)) && (await lateCreditDue(c, earlier, month)))
        return true;
    return false;
  });
  contracts.push(...ended.filter((_, i) => owed[i]));
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

/** An earlier month with incidents recorded after its run started (so its run may not have seen them). */
export interface LateCreditMonth {
  readonly month: BillingMonth;
  /** Every incident overlapping the month (overlapping outages merge, whenever recorded). */
  readonly incidents: readonly StoredIncident[];
  /** Those recorded after the month's run started (less a margin for clocks). */
  readonly late: readonly StoredIncident[];
}

/**
 * The credit an earlier month still owes a contract for outages recorded late, after reading that month's
 * posted charges (rent and credits) — unless the waiver is nothing, the common case, which needs no read.
 */
async function lateCreditDue(
  contract: BillingContract,
  earlier: LateCreditMonth,
  appliedIn: BillingMonth,
): Promise<ReturnType<typeof lateSlaCredit>> {
  const waiver = slaWaiver(contract, earlier.month, earlier.incidents);
  if (waiver.credit === 0) return undefined;
  const posted = await monthChargesOf(contract.tenantId, contract.number, earlier.month);
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

/** Incidents recorded this long before a run started are taken as possibly unseen by it (clock skew). */
const RECORDED_MARGIN_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

const lateMonthsCache = new Map<string, { at: number; months: Promise<LateCreditMonth[]> }>();

/**
 * The months before `month` (up to LATE_CREDIT_MONTHS) that were billed and have incidents recorded
 * after their run started. Read once a minute at most per worker, like the month's own incidents; the
 * scheduler reads afresh (and so refreshes what the workers of its run read).
 */
export function lateCreditMonths(
  month: BillingMonth,
  zone: string,
  fresh = false,
): Promise<LateCreditMonth[]> {
  const cached = lateMonthsCache.get(month);
  if (!fresh && cached && Date.now() - cached.at < 60_000) return cached.months;
  const months = (async () => {
    const found: LateCreditMonth[] = [];
    for (const earlier of monthsBefore(month, LATE_CREDIT_MONTHS)) {
      const run = await readRun(MONTHLY_JOB, earlier);
      if (!run) continue; // never billed: its own (catch-up) run credits what it finds
      const bounds = monthBounds(earlier, zone);
      // A day either side: contracts in other zones have the month a few hours off.
      const incidents = await incidentsOverlapping(
        new Date(Date.parse(bounds.startAt) - DAY_MS).toISOString(),
        new Date(Date.parse(bounds.endAt) + DAY_MS).toISOString(),
      );
      const since = new Date(Date.parse(run.startedAt) - RECORDED_MARGIN_MS).toISOString();
      const late = incidents.filter((i) => i.recordedAt >= since);
      if (late.length > 0) found.push({ month: earlier, incidents, late });
    }
    return found;
  })();
  lateMonthsCache.set(month, { at: Date.now(), months });
  months.catch(() => lateMonthsCache.delete(month));
  return months;
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
  slaCredited?: CreditChain,
): LedgerEntryInput[] {
  return monthlyCharges({
    contract,
    month,
    incidents,
    ...(usage ? { usage } : {}),
    ...(slaCredited ? { slaCredited } : {}),
  }).map((charge) =>
    ledgerEntryOf(
      contract,
      charge,
      charge.kind === 'sla_credit'
        ? slaCreditKey(contract.tenantId, contract.number, month, charge.sequence ?? 1)
        : chargeKey(contract.tenantId, contract.number, month, charge.kind),
      bounds.lastInstant,
    ),
  );
}

/** A contract's charge as its ledger entry (the contract's id in the meta, whatever the charge says). */
function ledgerEntryOf(contract: BillingContract, charge: Charge, key: string, at: string): LedgerEntryInput {
  return {
    tenantId: contract.tenantId,
    key,
    kind: charge.kind,
    amount: charge.amount,
    at,
    description: charge.description,
    number: contract.number,
    // Object.assign, not a spread then a new key: that is a slow path in V8 (Node 20), once per charge.
    meta: Object.assign({}, charge.meta, { contractId: contract.contractId }),
  };
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

type TenantBatch = ChargeBatchMessage['tenants'][number];

/** What one batch's phases share (built once per batch; the phases are module-level functions). */
interface BatchContext {
  readonly month: BillingMonth;
  readonly previous: BillingMonth;
  readonly zone: string;
  readonly bounds: MonthBounds;
  readonly previousBounds: MonthBounds;
  /** Statements already written, by `${tenantId}|${month}`, for this month and the one before. */
  readonly existing: Map<string, Statement>;
  readonly incidents: readonly ServiceIncident[];
}

/** A tenant's ledger lines since the month (or the month before) started, and its opening if needed. */
async function readTenantLedger(tenant: TenantBatch, ctx: BatchContext) {
  const hasPrevious = ctx.existing.has(`${tenant.tenantId}|${ctx.previous}`);
  const all = await entriesBetween(
    tenant.tenantId,
    hasPrevious ? ctx.previousBounds.startAt : ctx.bounds.startAt,
    ctx.bounds.endAt,
  );
  const opening = hasPrevious ? undefined : await balanceBefore(tenant.tenantId, ctx.bounds.startAt);
  return { tenant, all, opening };
}

/** Each contract's charges from what was read, and the contracts that need a further read (rare). */
function planCharges(
  reads: readonly Awaited<ReturnType<typeof readTenantLedger>>[],
  late: readonly LateCreditMonth[],
  ctx: BatchContext,
) {
  const { month, zone, bounds, incidents } = ctx;
  const openings = new Map<string, number>();
  const entriesByTenant = new Map<string, LedgerLine[]>();
  const lateByTenant = new Map<string, LedgerLine[]>();
  const chargesByContract = new Map<BillingContract, LedgerEntryInput[]>();
  const creditChecks: { contract: BillingContract; bounds: MonthBounds; usage: NumberUsage | undefined }[] =
    [];
  const lateChecks: { contract: BillingContract; earlier: LateCreditMonth; bounds: MonthBounds }[] = [];
  for (const { tenant, all, opening } of reads) {
    if (opening !== undefined) openings.set(tenant.tenantId, opening);
    const entries: LedgerLine[] = [];
    const before: LedgerLine[] = [];
    for (const e of all) (e.at >= bounds.startAt ? entries : before).push(e);
    entriesByTenant.set(tenant.tenantId, entries);
    lateByTenant.set(tenant.tenantId, before);
    const usage = usageByNumber(entries);
    for (const contract of tenant.contracts) {
      const cb = contract.timeZone === zone ? bounds : monthBounds(month, contract.timeZone);
      const charges = chargeEntries(contract, month, cb, usage.get(contract.number), incidents);
      chargesByContract.set(contract, charges);
      // Rare: a credit is due, so the month's credits already posted (a redelivery, a late credit posted
      // first) are read and only the rest is charged, under the chain's next key.
      if (charges.some(isSlaCredit))
        creditChecks.push({ contract, bounds: cb, usage: usage.get(contract.number) });
      for (const earlier of late)
        if (earlier.late.some((i) => affectsNumber(i, contract.number)))
          lateChecks.push({ contract, earlier, bounds: cb });
    }
  }
  return { openings, entriesByTenant, lateByTenant, chargesByContract, creditChecks, lateChecks };
}

const isSlaCredit = (e: LedgerEntryInput) => e.kind === 'sla_credit';
const byKey = (a: LedgerEntryInput, b: LedgerEntryInput) => (a.key < b.key ? -1 : 1);

/** Posts a batch's entries; the tenants the ledger refused (each fails alone) and the charges applied. */
async function postCharges(
  posting: readonly LedgerEntryInput[],
  byTenant: ReadonlyMap<string, LedgerEntryInput[]>,
  pending: readonly TenantBatch[],
  ledger: LedgerPort,
) {
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
  return { charges, failed };
}

/** The statements of the tenants charged: what the ledger held plus what this batch posted. */
function statementsOf(
  pending: readonly TenantBatch[],
  failedTenants: ReadonlySet<string>,
  byTenant: ReadonlyMap<string, LedgerEntryInput[]>,
  planned: ReturnType<typeof planCharges>,
  ctx: BatchContext,
): Statement[] {
  const statements: Statement[] = [];
  for (const tenant of pending) {
    if (failedTenants.has(tenant.tenantId)) continue;
    const inLedger = planned.entriesByTenant.get(tenant.tenantId) ?? [];
    const known = new Set<string>();
    for (const e of inLedger) known.add(e.key);
    const entries: LedgerLine[] = [...inLedger];
    for (const p of byTenant.get(tenant.tenantId) ?? [])
      if (!known.has(p.key))
        entries.push({
          key: p.key,
          kind: p.kind,
          amount: p.amount,
          at: p.at,
          description: p.description,
          number: p.number,
        });
    const before = ctx.existing.get(`${tenant.tenantId}|${ctx.previous}`);
    const opening = before ? before.closingBalance : (planned.openings.get(tenant.tenantId) ?? 0);
    const late = before ? lateEntriesFor(before, planned.lateByTenant.get(tenant.tenantId) ?? []) : undefined;
    statements.push(
      assembleStatement({
        tenantId: tenant.tenantId,
        month: ctx.month,
        timeZone: ctx.zone,
        periodStart: ctx.bounds.startAt,
        periodEnd: ctx.bounds.endAt,
        openingBalance: opening,
        entries,
        ...(late ? { lateEntries: late } : {}),
      }),
    );
  }
  return statements;
}

const contractCount = (tenants: readonly TenantBatch[]) => {
  let n = 0;
  for (const t of tenants) n += t.contracts.length;
  return n;
};

/**
 * Charges one batch and writes its tenants' statements. Safe to run again, whole or after a crash.
 * Its phases are functions of their own: as one function it took TurboFan 150–215 ms per compile and was
 * deoptimised several times a run (see docs/ARCHITECTURE.md, measured rules).
 */
export async function processChargeBatch(
  message: ChargeBatchMessage,
  zone: string,
  ledger: LedgerPort,
): Promise<BatchResult> {
  const { month } = message;
  const bounds = monthBounds(month, zone);
  const previous = previousMonth(month);
  const keys: { tenantId: string; month: BillingMonth }[] = [];
  for (const t of message.tenants)
    keys.push({ tenantId: t.tenantId, month }, { tenantId: t.tenantId, month: previous });
  const existing = await readStatements(keys);
  const pending: TenantBatch[] = [];
  for (const t of message.tenants) if (!existing.has(`${t.tenantId}|${month}`)) pending.push(t);
  if (pending.length === 0) {
    return {
      contracts: contractCount(message.tenants),
      charges: 0,
      statements: message.tenants.length,
      skippedTenants: message.tenants.length,
    };
  }
  const ctx: BatchContext = {
    month,
    previous,
    zone,
    bounds,
    // One query per tenant covers this month and the last (to find entries that reached it after its statement).
    previousBounds: monthBounds(previous, zone),
    existing,
    incidents: await incidentsFor(bounds),
  };
  const reads = await mapLimit(pending, TENANT_READS_AT_ONCE, (tenant) => readTenantLedger(tenant, ctx));
  const planned = planCharges(reads, await lateCreditMonths(month, zone), ctx);
  const { chargesByContract } = planned;
  const lateByContract = new Map<BillingContract, LedgerEntryInput[]>();
  await mapLimit(planned.creditChecks, TENANT_READS_AT_ONCE, async ({ contract, bounds: cb, usage }) => {
    const posted = await monthChargesOf(contract.tenantId, contract.number, month);
    const chain = creditChain(contract.tenantId, contract.number, month, posted);
    chargesByContract.set(contract, chargeEntries(contract, month, cb, usage, ctx.incidents, chain));
  });
  await mapLimit(planned.lateChecks, TENANT_READS_AT_ONCE, async ({ contract, earlier, bounds: cb }) => {
    const credit = await lateCreditDue(contract, earlier, month);
    if (!credit) return;
    const list = lateByContract.get(contract) ?? [];
    // Dated in the month whose run applies it, so its statement shows it.
    const key = slaCreditKey(contract.tenantId, contract.number, earlier.month, credit.sequence);
    list.push(ledgerEntryOf(contract, credit, key, cb.lastInstant));
    lateByContract.set(contract, list);
  });
  // In a fixed order (tenant, contract, then late credits oldest month first), whatever order reads ended
  // in. Posted tenant by tenant (the ledger transacts per account anyway): a tenant the ledger refuses (an
  // idempotency conflict) fails alone; the others get their statements and are skipped on redelivery.
  const posting: LedgerEntryInput[] = [];
  const byTenant = new Map<string, LedgerEntryInput[]>();
  for (const tenant of pending)
    for (const contract of tenant.contracts) {
      for (const e of chargesByContract.get(contract) ?? []) posting.push(e);
      for (const e of (lateByContract.get(contract) ?? []).sort(byKey)) posting.push(e);
    }
  for (const p of posting) {
    const list = byTenant.get(p.tenantId);
    if (list) list.push(p);
    else byTenant.set(p.tenantId, [p]);
  }
  const { charges, failed } = await postCharges(posting, byTenant, pending, ledger);
  const failedTenants = new Set(failed.map((f) => f.tenantId));
  const statements = statementsOf(pending, failedTenants, byTenant, planned, ctx);
  await writeStatements(statements, new Date().toISOString());
  await announceStatements(statements);
  if (failed.length > 0) {
    throw new BatchIncomplete(message.batchId, failed);
  }
  // Counted for the whole batch: a redelivery after a crash reports what the batch holds, not the remainder.
  return {
    contracts: contractCount(message.tenants),
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
