/**
 * Billing worker (SQS, BILLING_QUEUE_URL): charges each batch of contracts and writes their statements.
 * A failed record is reported in batchItemFailures and redelivered; a redelivery charges nothing twice.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  billingLedger,
  finishBatch,
  MONTHLY_JOB,
  processChargeBatch,
} from '../../shared/adapters/dynamo/billing-monthly-run.js';
import { countFailure } from '../../shared/adapters/dynamo/billing-runs.js';
import { parseBillingMessage } from '../../shared/adapters/sqs/billing-queue.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const zone = optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);
  const ledger = await billingLedger();
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records ?? []) {
    let month: string | undefined;
    try {
      const message = parseBillingMessage(record.body);
      month = message.month;
      const result = await processChargeBatch(message, zone, ledger);
      const completed = await finishBatch(message, result);
      logger.info('billing batch done', { batchId: message.batchId, ...result, completed });
      // Progress of a run, batch by batch (the run record holds the totals).
      metrics.addMetric('BillingContractsProcessed', MetricUnit.Count, result.contracts);
      metrics.addMetric('BillingChargesPosted', MetricUnit.Count, result.charges);
      if (completed) metrics.addMetric('BillingRunCompleted', MetricUnit.Count, 1);
    } catch (error) {
      logger.error('billing batch failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      metrics.addMetric('BillingBatchFailures', MetricUnit.Count, 1);
      if (month) await countFailure(MONTHLY_JOB, month).catch(() => undefined);
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}).use(injectLambdaContext(logger, { resetKeys: true }));
