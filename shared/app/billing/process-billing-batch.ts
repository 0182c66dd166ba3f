/**
 * Primary course: a worker charges one batch of the monthly run (whole tenants) and writes their
 * statements. It reads which tenants already have the month's statement (and last month's, whose closing
 * opens this one), reads each remaining tenant's ledger for the month, prices every contract
 * (monthlyCharges), posts the batch's entries through the ledger (several tenants per transaction), writes
 * the statements, tells each tenant, and counts the batch done on the run record; the last batch completes
 * the run.
 *
 * Variations:
 * - Every tenant already stated (a redelivery after the statements were written): nothing is charged.
 * - An SLA credit is due: the month's credits already posted are read, and only the rest is charged,
 *   under the next key of the chain.
 * - Outages of earlier months recorded late: the credit still due is added (dated in this month).
 * - The ledger refuses some tenants (an idempotency conflict, a lost race): the others are stated, and
 *   the batch fails with BatchIncomplete so the queue redelivers it for those alone.
 * - Any failure is counted on the run record before the batch goes back to the queue.
 * Safe to run again, whole or after a crash: the ledger refuses a key twice.
 */
import {
  type BillingMonth,
  type MonthBounds,
  monthBounds,
  previousMonth,
} from '../../domain/billing/calendar.js';
import { affectsNumber, creditChain, slaCreditKey } from '../../domain/billing/charges.js';
import { chargeEntries, ledgerEntryOf, usageByNumber } from '../../domain/billing/entries.js';
import { type ChargeBatchMessage, MONTHLY_JOB } from '../../domain/billing/run.js';
import {
  assembleStatement,
  type LedgerLine,
  lateEntriesFor,
  type Statement,
} from '../../domain/billing/statement.js';
import type { BillingContract, NumberUsage, ServiceIncident } from '../../domain/billing/types.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import type { BillingRunStore } from '../../ports/billing-runs.js';
import type { Clock } from '../../ports/clock.js';
import type { NotificationsPort } from '../../ports/notifications.js';
import type { BillingLedgerReads, StatementStore } from '../../ports/statements.js';
import { mapLimit } from './map-limit.js';
import { type LateCreditMonth, lateCreditDue, type MonthReads } from './month-reads.js';

export interface ProcessBillingBatchDeps {
  readonly runs: BillingRunStore;
  readonly statements: StatementStore;
  readonly ledgerReads: BillingLedgerReads;
  readonly ledger: LedgerPort;
  readonly reads: MonthReads;
  /** Absent when none is configured: statements are then not announced. */
  readonly notifications: NotificationsPort | undefined;
  readonly clock: Clock;
  readonly log: { warn(message: string, attributes: Record<string, unknown>): void };
}

export interface BatchResult {
  readonly contracts: number;
  readonly charges: number;
  readonly statements: number;
  readonly skippedTenants: number;
}

/** Tenants whose ledger a worker reads (or posts alone) at once. */
const TENANT_READS_AT_ONCE = 8;

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

export async function processBillingBatch(
  deps: ProcessBillingBatchDeps,
  message: ChargeBatchMessage,
  zone: string,
): Promise<BatchResult & { readonly completed: boolean }> {
  try {
    const result = await chargeBatch(deps, message, zone);
    const allDone = await deps.runs.markBatchDone(MONTHLY_JOB, message.month, message.batchId, result);
    const completed = allDone
      ? await deps.runs.completeIfDone(MONTHLY_JOB, message.month, deps.clock.now().toISOString())
      : false;
    return { ...result, completed };
  } catch (error) {
    await deps.runs.countFailure(MONTHLY_JOB, message.month).catch(() => undefined);
    throw error;
  }
}

type TenantBatch = ChargeBatchMessage['tenants'][number];

/** What one batch's phases share. */
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

const contractCount = (tenants: readonly TenantBatch[]) =>
  tenants.reduce((n, t) => n + t.contracts.length, 0);

async function chargeBatch(
  deps: ProcessBillingBatchDeps,
  message: ChargeBatchMessage,
  zone: string,
): Promise<BatchResult> {
  const { month } = message;
  const previous = previousMonth(month);
  const existing = await deps.statements.read(
    message.tenants.flatMap((t) => [
      { tenantId: t.tenantId, month },
      { tenantId: t.tenantId, month: previous },
    ]),
  );
  const pending = message.tenants.filter((t) => !existing.has(`${t.tenantId}|${month}`));
  if (pending.length === 0) {
    return {
      contracts: contractCount(message.tenants),
      charges: 0,
      statements: message.tenants.length,
      skippedTenants: message.tenants.length,
    };
  }
  const bounds = monthBounds(month, zone);
  const ctx: BatchContext = {
    month,
    previous,
    zone,
    bounds,
    // One query per tenant covers this month and the last (to find entries that reached it after its statement).
    previousBounds: monthBounds(previous, zone),
    existing,
    incidents: await deps.reads.incidents(bounds),
  };
  const reads = await mapLimit(pending, TENANT_READS_AT_ONCE, (tenant) =>
    readTenantLedger(deps, tenant, ctx),
  );
  const planned = planCharges(reads, await deps.reads.lateCreditMonths(month, zone), ctx);
  const lateCredits = await readDueCredits(deps, planned, ctx);
  // In a fixed order (tenant, contract, then late credits oldest month first), whatever order reads ended in.
  const posting: LedgerEntryInput[] = [];
  for (const tenant of pending)
    for (const contract of tenant.contracts) {
      posting.push(...(planned.chargesByContract.get(contract) ?? []));
      posting.push(...(lateCredits.get(contract) ?? []).sort(byKey));
    }
  const byTenant = groupByTenant(posting);
  const { charges, failed } = await postCharges(deps.ledger, posting, byTenant, pending);
  const failedTenants = new Set(failed.map((f) => f.tenantId));
  const statements = statementsOf(pending, failedTenants, byTenant, planned, ctx);
  await deps.statements.write(statements, deps.clock.now().toISOString());
  await announceStatements(deps, statements);
  if (failed.length > 0) throw new BatchIncomplete(message.batchId, failed);
  // Counted for the whole batch: a redelivery after a crash reports what the batch holds, not the remainder.
  return {
    contracts: contractCount(message.tenants),
    charges,
    statements: message.tenants.length,
    skippedTenants: message.tenants.length - pending.length,
  };
}

/** A tenant's ledger lines since the month (or the month before) started, and its opening if needed. */
async function readTenantLedger(deps: ProcessBillingBatchDeps, tenant: TenantBatch, ctx: BatchContext) {
  const hasPrevious = ctx.existing.has(`${tenant.tenantId}|${ctx.previous}`);
  const all = await deps.ledgerReads.entriesBetween(
    tenant.tenantId,
    hasPrevious ? ctx.previousBounds.startAt : ctx.bounds.startAt,
    ctx.bounds.endAt,
  );
  const opening = hasPrevious
    ? undefined
    : await deps.ledgerReads.balanceBefore(tenant.tenantId, ctx.bounds.startAt);
  return { tenant, all, opening };
}

type TenantLedger = Awaited<ReturnType<typeof readTenantLedger>>;

/** Each contract's charges from what was read, and the contracts that need a further read (rare). */
function planCharges(reads: readonly TenantLedger[], late: readonly LateCreditMonth[], ctx: BatchContext) {
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
    const entries = all.filter((e) => e.at >= bounds.startAt);
    entriesByTenant.set(tenant.tenantId, entries);
    lateByTenant.set(
      tenant.tenantId,
      all.filter((e) => e.at < bounds.startAt),
    );
    const usage = usageByNumber(entries);
    for (const contract of tenant.contracts) {
      const cb = contract.timeZone === zone ? bounds : monthBounds(month, contract.timeZone);
      const charges = chargeEntries(contract, month, cb, usage.get(contract.number), incidents);
      chargesByContract.set(contract, charges);
      // Rare: a credit is due, so the month's credits already posted (a redelivery, a late credit posted
      // first) are read and only the rest is charged, under the chain's next key.
      if (charges.some((e) => e.kind === 'sla_credit'))
        creditChecks.push({ contract, bounds: cb, usage: usage.get(contract.number) });
      for (const earlier of late)
        if (earlier.late.some((i) => affectsNumber(i, contract.number)))
          lateChecks.push({ contract, earlier, bounds: cb });
    }
  }
  return { openings, entriesByTenant, lateByTenant, chargesByContract, creditChecks, lateChecks };
}

type PlannedCharges = ReturnType<typeof planCharges>;

/**
 * The rare reads: re-prices contracts with an SLA credit against the month's chain already posted (in
 * `planned.chargesByContract`), and answers the late credits still due, by contract.
 */
async function readDueCredits(
  deps: ProcessBillingBatchDeps,
  planned: PlannedCharges,
  ctx: BatchContext,
): Promise<Map<BillingContract, LedgerEntryInput[]>> {
  const { month } = ctx;
  await mapLimit(planned.creditChecks, TENANT_READS_AT_ONCE, async ({ contract, bounds, usage }) => {
    const posted = await deps.ledgerReads.monthChargesOf(contract.tenantId, contract.number, month);
    const chain = creditChain(contract.tenantId, contract.number, month, posted);
    planned.chargesByContract.set(
      contract,
      chargeEntries(contract, month, bounds, usage, ctx.incidents, chain),
    );
  });
  const lateByContract = new Map<BillingContract, LedgerEntryInput[]>();
  await mapLimit(planned.lateChecks, TENANT_READS_AT_ONCE, async ({ contract, earlier, bounds }) => {
    const credit = await lateCreditDue(deps.ledgerReads, contract, earlier, month);
    if (!credit) return;
    // Dated in the month whose run applies it, so its statement shows it.
    const key = slaCreditKey(contract.tenantId, contract.number, earlier.month, credit.sequence);
    const list = lateByContract.get(contract) ?? [];
    list.push(ledgerEntryOf(contract, credit, key, bounds.lastInstant));
    lateByContract.set(contract, list);
  });
  return lateByContract;
}

const byKey = (a: LedgerEntryInput, b: LedgerEntryInput) => (a.key < b.key ? -1 : 1);

function groupByTenant(entries: readonly LedgerEntryInput[]): Map<string, LedgerEntryInput[]> {
  const byTenant = new Map<string, LedgerEntryInput[]>();
  for (const entry of entries) {
    const list = byTenant.get(entry.tenantId);
    if (list) list.push(entry);
    else byTenant.set(entry.tenantId, [entry]);
  }
  return byTenant;
}

/**
 * Posts a batch's entries, several tenants per transaction when the ledger can; a tenant is all or
 * nothing and fails alone. Answers the charges applied and the tenants the ledger refused.
 */
async function postCharges(
  ledger: LedgerPort,
  posting: readonly LedgerEntryInput[],
  byTenant: ReadonlyMap<string, LedgerEntryInput[]>,
  pending: readonly TenantBatch[],
) {
  let charges = 0;
  const failed: { tenantId: string; error: unknown }[] = [];
  if (ledger.postMany) {
    for (const [tenantId, outcome] of await ledger.postMany(posting)) {
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
  planned: PlannedCharges,
  ctx: BatchContext,
): Statement[] {
  const statements: Statement[] = [];
  for (const tenant of pending) {
    if (failedTenants.has(tenant.tenantId)) continue;
    const inLedger = planned.entriesByTenant.get(tenant.tenantId) ?? [];
    const known = new Set(inLedger.map((e) => e.key));
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

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * Tells each tenant its statement is ready. Best effort after the write: the statement is the record, a
 * lost notice is logged (a redelivered batch skips stated tenants, so it is not retried).
 */
async function announceStatements(deps: ProcessBillingBatchDeps, statements: readonly Statement[]) {
  const { notifications } = deps;
  if (!notifications) {
    if (statements.length > 0) deps.log.warn('no notifications port: statements not announced', {});
    return;
  }
  for (const s of statements) {
    await notifications
      .publish({
        tenantId: s.tenantId,
        kind: 'statement_ready',
        template: 'statement_ready',
        params: {
          month: s.month,
          opening: yuan(s.openingBalance),
          charges: yuan(s.totalDebits),
          credits: yuan(s.totalCredits),
          closing: yuan(s.closingBalance),
        },
        dedupeKey: `statement#${s.tenantId}#${s.month}`,
        attributes: { month: s.month },
      })
      .catch((error: unknown) => deps.log.warn('statement notice failed', { tenantId: s.tenantId, error }));
  }
}
