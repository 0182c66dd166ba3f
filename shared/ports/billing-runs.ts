/**
 * The monthly run's record (who holds it, batches planned and done, completion) and the queue between the
 * scheduler and its workers.
 */
import type { BillingMessage, RunRecord } from '../domain/billing/run.js';

export interface RunTotals {
  readonly batches: number;
  readonly contracts: number;
  readonly tenants: number;
}

export interface BatchCounts {
  readonly contracts: number;
  readonly charges: number;
  readonly statements: number;
}

export interface RunLease {
  /** The job's instant, kept as the run's startedAt when the run is created. */
  readonly startedAt: string;
  /** A lease that ran out before this may be taken over. */
  readonly now: string;
  readonly leaseUntil: string;
}

export interface BillingRunStore {
  read(job: string, period: string): Promise<RunRecord | undefined>;
  /**
   * Creates the run, or takes over one whose lease ran out before `lease.now` and is not complete.
   * Undefined when another copy holds it or it is complete.
   */
  acquire(job: string, period: string, lease: RunLease): Promise<RunRecord | undefined>;
  /** The scheduler has sent every batch. */
  markEnqueued(job: string, period: string, totals: RunTotals): Promise<void>;
  /**
   * Counts a batch once, however often it is delivered. True when every planned batch is done, or when the
   * batch was counted before (the caller then tries to complete, in case the first delivery died there).
   */
  markBatchDone(job: string, period: string, batchId: string, counts: BatchCounts): Promise<boolean>;
  countFailure(job: string, period: string): Promise<void>;
  /** Completes the run once every planned batch is done; true for the one caller that completed it. */
  completeIfDone(job: string, period: string, at: string): Promise<boolean>;
}

export interface BillingQueue {
  send(messages: readonly BillingMessage[]): Promise<void>;
}
