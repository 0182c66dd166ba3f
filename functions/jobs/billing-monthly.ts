/**
 * Monthly billing scheduler (EventBridge Scheduler, the 1st at 00:10 Asia/Shanghai): bills the month just
 * ended at `at` by sending batches of contracts to the billing queue. Safe to run twice or overlapping.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { startMonthlyRun } from '../../shared/adapters/dynamo/billing-monthly-run.js';
import { billingQueue } from '../../shared/adapters/sqs/billing-queue.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';

export const handler = middy(async (event: { at?: string }) => {
  const at =
    event?.at && !Number.isNaN(Date.parse(event.at))
      ? new Date(event.at).toISOString()
      : new Date().toISOString();
  const result = await startMonthlyRun(
    at,
    optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE),
    await billingQueue(),
  );
  logger.info('monthly billing run', { ...result });
  if (result.status === 'started') metrics.addMetric('BillingRunStarted', MetricUnit.Count, 1);
  if (result.completed) metrics.addMetric('BillingRunCompleted', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
