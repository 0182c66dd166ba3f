import type { FunctionRow } from '../function-catalogue.js';

/**
 * The notifier: the one function that sends e-mail (SES) and SMS (Aliyun). Every other function that notifies
 * (capability `notifications`) hands its notifications to the notifications work queue
 * (infra/catalogue/work-queues.ts), which this worker consumes.
 */
export const NOTIFICATION_FUNCTIONS: readonly FunctionRow[] = [
  {
    // Wired specially (stateless stack, infra/catalogue/work-queues.ts): consumes the notifications queue.
    id: 'notifier',
    entry: 'functions/jobs/notifier.ts',
    // Recipients default to the tenant's alert contacts: GetItem on the ledger's ACCT# items only; each
    // recipient's delivery is recorded: Query and PutItem on the ops table's DELIVERY# items only.
    tables: {},
    capabilities: ['messaging'],
    memoryMb: 512,
    // A batch of 10, each an SES send and up to a few Aliyun SMS (3 s connect, 5 s read timeouts).
    timeoutSeconds: 120,
    description:
      'Delivers queued tenant notifications: SES e-mail and Aliyun SMS (mainland mobiles only), once per recipient',
  },
];
