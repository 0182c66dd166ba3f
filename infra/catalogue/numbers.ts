import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const NUMBER_FUNCTIONS: readonly FunctionRow[] = [
  {
    // Wired specially (stateless stack, infra/catalogue/work-queues.ts): consumes the activations queue.
    id: 'numberActivationWorker',
    entry: 'functions/jobs/number-activation-worker.ts',
    // ops: a failed activation gives the fee back; its alerts cross at the tariff in force (stored versions).
    tables: { numbers: 'write', routing: 'write', ledger: 'write', ops: 'read' },
    capabilities: ['telephony', 'notifications'],
    // A claim's polls (up to 30 s) and Connect's pacing (2 requests/s) fit with room to spare.
    timeoutSeconds: 120,
    description:
      'Activates approved numbers: claims an access number in Connect (the claim stored before polling), binds it to the contact flow, activates; backs off through the queue, rolls back releasing the claim',
  },
];

const ZONE = 'Asia/Shanghai';
/**
 * Jobs that settle a number's fees (its tenure ends) post to the ledger, whose alerts cross at the refusal
 * point of the tariff in force: they read the stored tariff versions (ops).
 */
const SETTLES: Partial<JobRow> = {
  tables: { numbers: 'write', routing: 'write', ledger: 'write', ops: 'read' },
};
const job = (name: string, schedule: string, description: string, extra: Partial<JobRow> = {}): JobRow => ({
  id: name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
  name,
  entry: `functions/jobs/${name}.ts`,
  schedule,
  timeZone: ZONE,
  tables: { numbers: 'write', routing: 'write', ledger: 'write' },
  capabilities: ['telephony', 'notifications'],
  timeoutSeconds: 300,
  description,
  ...extra,
});

export const NUMBER_JOBS: readonly JobRow[] = [
  {
    id: 'numberOwnershipBackfill',
    name: 'number-ownership-backfill',
    entry: 'functions/jobs/number-ownership-backfill.ts',
    // One-off: run by hand after deploying ownership periods; a rerun changes nothing.
    timeZone: ZONE,
    tables: { numbers: 'write' },
    capabilities: [],
    // Reads each number's history: a large inventory may need more than one run (each resumes, idempotent).
    timeoutSeconds: 900,
    description:
      'One-off: writes the ownership periods of numbers that came into service before periods were kept, from their history (activation, transfers, end of tenure) or contract; idempotent',
  },
  job(
    'number-hold-expiry',
    'cron(*/5 * * * ? *)',
    'Returns numbers whose reservation hold ran out to the pool',
    {
      tables: { numbers: 'write' },
      capabilities: [],
      timeoutSeconds: 120,
    },
  ),
  job(
    'number-retention-expiry',
    'cron(15 0 * * ? *)',
    'Cancels suspended numbers whose retention allowance is used up',
    SETTLES,
  ),
  job(
    'number-cancellation-notice',
    'cron(30 0 * * ? *)',
    'Cancels numbers whose notice period ended; settles, refunds, quarantines',
    SETTLES,
  ),
  job('number-quarantine', 'cron(45 0 * * ? *)', 'Returns numbers whose quarantine ended to the pool'),
  job(
    'number-draft-expiry',
    'cron(20 0 * * ? *)',
    'Withdraws draft applications never submitted (and rejections never fixed) in time; their numbers return to the pool',
  ),
  // Hourly although the grace is days long: a top-up restores the numbers within the hour.
  job(
    'number-arrears',
    'cron(0 * * * ? *)',
    'Stops numbers of accounts in arrears past the grace period, restores after top-up, cancels after the window',
    SETTLES,
  ),
  job(
    'number-effects',
    'cron(*/10 * * * ? *)',
    'Retries lifecycle side effects (settlement, refund, Connect release, routing cleared at a hand-over, notices) that failed after commit',
    // routing: the hand-over clears the previous owner's configuration and call snapshot.
    SETTLES,
  ),
];
