/**
 * Monthly billing scheduler (EventBridge Scheduler, the 1st at 00:10 Asia/Shanghai): bills the month just
 * ended at `at` (the schedule's intended instant, so a run started late still bills the right month) by
 * sending batches of contracts to the billing queue, after catching up earlier months a failed schedule
 * left unbilled (up to 3, oldest first). Safe to run twice or overlapping; it fails (and Scheduler
 * retries it) while a caught-up month is still being billed.
 */
import { MetricUnit, metrics } from '../../shared/observability.js';
import { billingJobs } from '../../shared/runtime/billing-jobs.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('billing-monthly', async (at) => {
  const result = await billingJobs.runMonthlyBilling(at);
  const caughtUp = result.caughtUp.filter((r) => r.status === 'started').length;
  if (caughtUp > 0) metrics.addMetric('BillingMonthsCaughtUp', MetricUnit.Count, caughtUp);
  if (result.status === 'started') metrics.addMetric('BillingRunStarted', MetricUnit.Count, 1);
  if (result.completed) metrics.addMetric('BillingRunCompleted', MetricUnit.Count, 1);
  return result;
});
