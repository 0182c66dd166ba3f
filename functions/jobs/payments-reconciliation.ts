/** Scheduled daily: yesterday's payments (Asia/Shanghai) against each provider's statement. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { payments } from '../../shared/runtime/payments.js';

export const handler = jobHandler('payments-reconciliation', async (at) => {
  const { day, results } = await payments.reconcileDayBefore(new Date(at));
  return {
    day,
    differences: results.reduce((n, r) => n + r.differences.length, 0),
    // Channels whose statement could not be read: counted as JobItemFailures by the job handler.
    failed: results.filter((r) => r.error !== undefined).length,
    channels: results,
  };
});
