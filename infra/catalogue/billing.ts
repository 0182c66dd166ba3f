import type { FunctionRow, JobRow } from '../function-catalogue.js';

/**
 * The billing worker consumes the billing queue (capability `jobs` → BILLING_QUEUE_URL): infra wires an
 * SQS event source with ReportBatchItemFailures, batch size 1–5, a redrive policy (maxReceiveCount 5) to a
 * dead-letter queue with an alarm on its depth, and a visibility timeout above this timeout.
 */
export const BILLING_FUNCTIONS: readonly FunctionRow[] = [
  {
    id: 'billingWorker',
    entry: 'functions/jobs/billing-worker.ts',
    tables: { numbers: 'read', ledger: 'write', ops: 'write' },
    capabilities: ['notifications'],
    memoryMb: 1024,
    timeoutSeconds: 300,
    description: 'Charges a batch of contracts for a month through the ledger and writes their statements',
  },
];

const ZONE = 'Asia/Shanghai';

export const BILLING_JOBS: readonly JobRow[] = [
  {
    id: 'billingMonthly',
    name: 'billing-monthly',
    entry: 'functions/jobs/billing-monthly.ts',
    schedule: 'cron(10 0 1 * ? *)',
    timeZone: ZONE,
    tables: { numbers: 'read', ledger: 'read', ops: 'write' },
    capabilities: ['jobs'],
    memoryMb: 1769,
    timeoutSeconds: 900,
    description:
      'Monthly billing scheduler: bills the month just ended by sending contract batches to the billing queue',
  },
  {
    id: 'billingContracts',
    name: 'billing-contracts',
    entry: 'functions/jobs/billing-contracts.ts',
    schedule: 'cron(0 1 * * ? *)',
    timeZone: ZONE,
    // ops: an ending settles through the ledger, whose alerts cross at the tariff in force (stored versions).
    tables: { numbers: 'write', ledger: 'write', routing: 'write', ops: 'read' },
    capabilities: ['notifications'],
    timeoutSeconds: 900,
    description:
      'Daily contract terms: 30-day renewal notices, auto-renewals on the day, endings of the others',
  },
  {
    id: 'billingTariffs',
    name: 'billing-tariffs',
    entry: 'functions/jobs/billing-tariffs.ts',
    schedule: 'cron(0 2 * * ? *)',
    timeZone: ZONE,
    // routing: new per-minute prices refresh the worst rates the routing snapshots carry for call setup,
    // and runs give rate steps to snapshots still without them (a filtered scan, then conditional updates) until
    // one leaves none, recorded on the routing table (a write).
    tables: { numbers: 'write', ops: 'write', routing: 'write' },
    capabilities: ['notifications'],
    timeoutSeconds: 900,
    description:
      'Daily: copies scheduled tariff versions onto their plan contracts, refreshes call-setup rates, and notifies tenants once',
  },
];
