import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const PAYMENT_FUNCTIONS: readonly FunctionRow[] = [];

export const PAYMENT_JOBS: readonly JobRow[] = [
  {
    id: 'paymentsReconciliation',
    name: 'payments-reconciliation',
    entry: 'functions/jobs/payments-reconciliation.ts',
    tables: { ledger: 'write' },
    schedule: 'cron(0 11 * * ? *)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 300,
    description:
      "Daily after the providers publish yesterday's bills (10:00): compares yesterday's credited payments with each provider's statement; differences are kept and alarmed (PaymentReconciliationDifferences)",
  },
  {
    id: 'paymentsRefundRetry',
    name: 'payments-refund-retry',
    entry: 'functions/jobs/payments-refund-retry.ts',
    tables: { ledger: 'write', ops: 'write' },
    capabilities: ['notifications'],
    schedule: 'cron(20 * * * ? *)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 300,
    description:
      'Hourly: asks the provider again for refunds still without a result after an hour (idempotent by refund id); an outright refusal returns the money to the balance',
  },
];
