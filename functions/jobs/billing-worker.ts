/**
 * Billing worker (SQS, BILLING_QUEUE_URL): charges each batch of contracts and writes their statements.
 * A failed record is reported in batchItemFailures and redelivered; a redelivery charges nothing twice.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';
import { billingJobs, parseBillingMessage } from '../../shared/runtime/billing-jobs.js';

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records ?? []) {
    try {
      const message = parseBillingMessage(record.body);
      const { completed, ...result } = await billingJobs.processBillingBatch(message);
      logger.info('billing batch done', { batchId: message.batchId, ...result, completed });
      // Progress of a run, batch by batch (the run record holds the totals).
      metrics.addMetric('BillingContractsProcessed', MetricUnit.Count, result.contracts);
      metrics.addMetric('BillingChargesPosted', MetricUnit.Count, result.charges);
      if (completed) metrics.addMetric('BillingRunCompleted', MetricUnit.Count, 1);
    } catch (error) {
      logger.error('billing batch failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      metrics.addMetric('BillingBatchFailures', MetricUnit.Count, 1);
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}).use(injectLambdaContext(logger, { resetKeys: true }));
