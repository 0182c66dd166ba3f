import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const MONEY_FUNCTIONS: readonly FunctionRow[] = [
  {
    id: 'ctrIngest',
    entry: 'functions/streams/ctr-ingest.ts',
    tables: { ledger: 'write', routing: 'read', numbers: 'read', ops: 'write' },
    capabilities: ['notifications'],
    memoryMb: 1024,
    timeoutSeconds: 120,
    assets: ['shared/geo/data/cn-geo.bin'],
    description:
      'Kinesis consumer of Connect contact records: rates and charges calls exactly once (ReportBatchItemFailures, bisect, bounded retries, on-failure destination)',
  },
];

export const MONEY_JOBS: readonly JobRow[] = [
  {
    id: 'alertOutbox',
    name: 'alert-outbox',
    entry: 'functions/jobs/alert-outbox.ts',
    tables: { ops: 'write' },
    capabilities: ['notifications'],
    schedule: 'rate(5 minutes)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 60,
    description: 'Publishes alerts whose first publish failed (the outbox never loses one)',
  },
];
