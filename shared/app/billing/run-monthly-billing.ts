/**
 * Primary course: on the 1st the scheduler bills the month just ended at `at` (the schedule's intended
 * instant, so a run started days late still bills the month before it). It takes the month's run record
 * (a lease, so two copies never enqueue at once), reads every contract, keeps those serving the month,
 * packs them by tenant into batches of about BATCH_CONTRACTS and sends them to the billing queue; the
 * workers charge them (processBillingBatch) and the last batch done completes the run.
 *
 * Variations:
 * - Catch-up: first, each of the CATCH_UP_MONTHS before with no completed run is run the same way, oldest
 *   first, waiting for it to complete (a month's statements open with the one before's closing) — but
 *   never a month before the first one this deployment ever billed. A month still incomplete after
 *   CATCH_UP_WAIT_MS fails the scheduler with CatchUpPending, and Scheduler retries it.
 * - The run is complete or held by a live copy: the month is skipped.
 * - Late SLA credits: a contract that no longer serves the month still gets a batch when an outage of an
 *   earlier month it served was recorded late and a credit is still due to it.
 * - No batch at all: the run completes at once.
 * Every step is safe to repeat: the ledger refuses a key twice, a stated tenant is skipped, a batch is
 * counted once, and a dead scheduler's lease runs out and is taken over.
 */
import { type BillingMonth, monthBounds, monthJustEnded } from '../../domain/billing/calendar.js';
import { affectsNumber } from '../../domain/billing/charges.js';
import { serves } from '../../domain/billing/entries.js';
import { MONTHLY_JOB, planBatches } from '../../domain/billing/run.js';
import type { BillingContract } from '../../domain/billing/types.js';
import type { BillingContractStore } from '../../ports/billing-contracts.js';
import type { BillingQueue, BillingRunStore } from '../../ports/billing-runs.js';
import type { Clock } from '../../ports/clock.js';
import type { BillingLedgerReads } from '../../ports/statements.js';
import { mapLimit } from './map-limit.js';
import { lateCreditDue, type MonthReads, monthsBefore } from './month-reads.js';

export interface RunMonthlyBillingDeps {
  readonly runs: BillingRunStore;
  readonly contracts: BillingContractStore;
  readonly ledgerReads: BillingLedgerReads;
  readonly reads: MonthReads;
  readonly queue: BillingQueue;
  readonly clock: Clock;
  /** Waits between polls of a caught-up month's run. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Elapsed milliseconds, for the catch-up wait's deadline. */
  readonly elapsedMs?: () => number;
}

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
/** A scheduler that has not finished enqueueing within this is presumed dead and may be taken over. */
const LEASE_MS = 15 * 60_000;
/** How long a scheduler waits for the months it caught up to complete (its timeout is 15 minutes). */
const CATCH_UP_WAIT_MS = 10 * 60_000;
const CATCH_UP_POLL_MS = 1_000;
/** Ledger reads a scheduler makes at once (late credits of contracts that ended). */
const READS_AT_ONCE = 8;

/** An earlier month is still being billed: the scheduler fails, and EventBridge Scheduler retries it later. */
export class CatchUpPending extends Error {
  override readonly name = 'CatchUpPending';
  constructor(readonly month: BillingMonth) {
    super(`billing run ${month} not complete yet: later months wait for it (the schedule retries)`);
  }
}

export async function runMonthlyBilling(
  deps: RunMonthlyBillingDeps,
  at: string,
  zone: string,
): Promise<MonthlyRunResult & { readonly caughtUp: readonly MonthlyRunResult[] }> {
  const month = monthJustEnded(at, zone);
  let contracts: Promise<BillingContract[]> | undefined;
  const everyContract = () => {
    contracts ??= deps.contracts.all(zone);
    return contracts;
  };
  const caughtUp: MonthlyRunResult[] = [];
  const elapsedMs = deps.elapsedMs ?? (() => performance.now());
  const deadline = elapsedMs() + CATCH_UP_WAIT_MS;
  for (const missed of await monthsToCatchUp(deps.runs, month)) {
    caughtUp.push(await runMonth(deps, missed, at, zone, everyContract));
    // Oldest first means finished first: the next month is not enqueued while this one (ours, or another
    // copy's) still has batches in flight.
    await untilComplete(deps, missed, () => elapsedMs() + CATCH_UP_POLL_MS > deadline);
  }
  const result = await runMonth(deps, month, at, zone, everyContract);
  return { ...result, caughtUp };
}

/**
 * The earlier months a scheduler for `month` must run first, oldest first: those of the last
 * CATCH_UP_MONTHS with no completed run, after the first month with any run record (billing began then;
 * a new deployment's first run bills its own month only).
 */
async function monthsToCatchUp(runs: BillingRunStore, month: BillingMonth): Promise<BillingMonth[]> {
  const history = monthsBefore(month, HISTORY_MONTHS);
  const records = await Promise.all(history.map((m) => runs.read(MONTHLY_JOB, m)));
  const first = records.findIndex((r) => r !== undefined);
  if (first < 0) return [];
  return history.filter(
    (_month, i) => i > first && i >= history.length - CATCH_UP_MONTHS && records[i]?.phase !== 'complete',
  );
}

async function untilComplete(
  deps: RunMonthlyBillingDeps,
  month: BillingMonth,
  pastDeadline: () => boolean,
): Promise<void> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    if ((await deps.runs.read(MONTHLY_JOB, month))?.phase === 'complete') return;
    if (pastDeadline()) throw new CatchUpPending(month);
    await sleep(CATCH_UP_POLL_MS);
  }
}

async function runMonth(
  deps: RunMonthlyBillingDeps,
  month: BillingMonth,
  at: string,
  zone: string,
  everyContract: () => Promise<BillingContract[]>,
): Promise<MonthlyRunResult> {
  // The lease runs on the later of the job's instant and the clock, so a run started days late (a retried
  // schedule keeps its instant) still holds a live lease, and a retry of it can take over a dead one.
  const now = Math.max(Date.parse(at), deps.clock.now().getTime());
  const run = await deps.runs.acquire(MONTHLY_JOB, month, {
    startedAt: new Date(at).toISOString(),
    now: new Date(now).toISOString(),
    leaseUntil: new Date(now + LEASE_MS).toISOString(),
  });
  if (!run) return { month, status: 'skipped', batches: 0, contracts: 0, tenants: 0, completed: false };
  const late = await deps.reads.lateCreditMonths(month, zone, { fresh: true });
  const contracts: BillingContract[] = [];
  const ended: BillingContract[] = [];
  for (const c of await everyContract()) {
    if (serves(c, monthBounds(month, c.timeZone))) contracts.push(c);
    else if (late.some((l) => l.late.some((i) => affectsNumber(i, c.number)))) ended.push(c);
  }
  // Rare: a contract that ended is read only when an outage recorded late touches its number.
  const owed = await mapLimit(ended, READS_AT_ONCE, async (c) => {
    for (const earlier of late)
      if (
        earlier.late.some((i) => affectsNumber(i, c.number)) &&
        (await lateCreditDue(deps.ledgerReads, c, earlier, month))
      )
        return true;
    return false;
  });
  contracts.push(...ended.filter((_, i) => owed[i]));
  const batches = planBatches(month, contracts);
  const tenants = batches.reduce((n, b) => n + b.tenants.length, 0);
  await deps.queue.send(batches);
  // Only now may the run complete: until `enqueued` is set no worker can, however early it finishes;
  // whichever of us and the workers sees the last batch done completes it.
  await deps.runs.markEnqueued(MONTHLY_JOB, month, {
    batches: batches.length,
    contracts: contracts.length,
    tenants,
  });
  const completed = await deps.runs.completeIfDone(MONTHLY_JOB, month, deps.clock.now().toISOString());
  return {
    month,
    status: 'started',
    batches: batches.length,
    contracts: contracts.length,
    tenants,
    completed,
  };
}
