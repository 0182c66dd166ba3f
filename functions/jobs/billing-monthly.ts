/**
 * Monthly billing scheduler (EventBridge Scheduler, the 1st at 00:10 Asia/Shanghai): bills the month just
 * ended at `at` by sending batches of contracts to the billing queue. Safe to run twice or overlapping.
 */
import { startMonthlyRun } from '../../shared/adapters/dynamo/billing-monthly-run.js';
import { billingQueue } from '../../shared/adapters/sqs/billing-queue.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { MetricUnit, metrics } from '../../shared/observability.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('billing-monthly', async (at) => {
  const result = await startMonthlyRun(
    at,
    optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE),
    await billingQueue(),
  );
  if (result.status === 'started') metrics.addMetric('BillingRunStarted', MetricUnit.Count, 1);
  if (result.completed) metrics.addMetric('BillingRunCompleted', MetricUnit.Count, 1);
  return result;
});
