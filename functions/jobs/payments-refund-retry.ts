/** Scheduled hourly: refunds still without a provider result are asked for again. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { payments } from '../../shared/runtime/payments.js';

export const handler = jobHandler('payments-refund-retry', async (at) =>
  payments.retryPendingRefunds(new Date(at)),
);
