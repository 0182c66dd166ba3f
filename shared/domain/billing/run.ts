/**
 * The monthly run's fan-out plan, pure. The scheduler groups contracts by tenant and packs whole tenants
 * into batches of about BATCH_CONTRACTS contracts (a tenant is never split, so its statement can be
 * written by the worker that charged it). Each batch becomes one queue message.
 */
import type { BillingMonth } from './calendar.js';
import type { BillingContract } from './types.js';

/**
 * Big enough that a batch's fixed requests (statements read and written, accounts read, run record)
 * are a small share per contract; small enough for one SQS message (~450 bytes a contract: ~180 KB,
 * under SQS's 256 KB) and a few seconds of a worker's time.
 */
export const BATCH_CONTRACTS = 400;

export interface TenantContracts {
  readonly tenantId: string;
  readonly contracts: readonly BillingContract[];
}

export interface ChargeBatchMessage {
  readonly type: 'billing.charge';
  readonly month: BillingMonth;
  readonly batchId: string;
  readonly tenants: readonly TenantContracts[];
}

export type BillingMessage = ChargeBatchMessage;

/** Tenants in id order, packed greedily; batch ids are stable for the same contract set. */
export function planBatches(
  month: BillingMonth,
  contracts: Iterable<BillingContract>,
  batchSize = BATCH_CONTRACTS,
): ChargeBatchMessage[] {
  const byTenant = new Map<string, BillingContract[]>();
  for (const c of contracts) {
    const list = byTenant.get(c.tenantId);
    if (list) list.push(c);
    else byTenant.set(c.tenantId, [c]);
  }
  const tenants = [...byTenant.keys()].sort();
  const batches: ChargeBatchMessage[] = [];
  let current: TenantContracts[] = [];
  let size = 0;
  const flush = () => {
    if (current.length === 0) return;
    batches.push({
      type: 'billing.charge',
      month,
      batchId: `${month}:${current[0]?.tenantId}`,
      tenants: current,
    });
    current = [];
    size = 0;
  };
  for (const tenantId of tenants) {
    const list = (byTenant.get(tenantId) ?? []).sort((a, b) => (a.contractId < b.contractId ? -1 : 1));
    if (size > 0 && size + list.length > batchSize) flush();
    current.push({ tenantId, contracts: list });
    size += list.length;
  }
  flush();
  return batches;
}

export type RunPhase = 'running' | 'complete';

export interface RunRecord {
  readonly job: string;
  readonly month: BillingMonth;
  readonly phase: RunPhase;
  readonly startedAt: string;
  readonly leaseUntil: string;
  readonly enqueued: boolean;
  readonly batchesTotal?: number;
  readonly batchesDone: number;
  readonly contractsTotal?: number;
  readonly tenantsTotal?: number;
  readonly contractsBilled: number;
  readonly chargesPosted: number;
  readonly statementsWritten: number;
  readonly failures: number;
  readonly completedAt?: string;
}

/** The monthly run's job name, in its run record's key. */
export const MONTHLY_JOB = 'billing-monthly';
