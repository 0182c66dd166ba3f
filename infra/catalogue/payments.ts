import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const PAYMENT_FUNCTIONS: readonly FunctionRow[] = [];

export const PAYMENT_JOBS: readonly JobRow[] = [
  {
    id: 'paymentsReconciliation',
    name: 'payments-reconciliation',
    entry: 'functions/jobs/payments-reconciliation.ts',
    tables: { ledger: 'write' },
    schedule: 'cron(0 3 * * ? *)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 300,
    description:
      "Daily: compares yesterday's credited payments with each provider's statement; differences are kept and alarmed (PaymentReconciliationDifferences)",
  },
];
