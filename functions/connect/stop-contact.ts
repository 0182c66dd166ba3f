/**
 * Consumes the call-limits queue (SQS): each message is the pending stop of one contact, armed by
 * arm-call-limit (shared/app/routing/stop-due-contact.ts); a call whose contact record arrived is not stopped. A failed record is reported in
 * batchItemFailures and redelivered, then dead-lettered (alarmed).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { stopDueContact } from '../../shared/app/routing/stop-due-contact.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';
import { pendingStops, stoppedCalls } from '../../shared/runtime/call-limits.js';
import { clock } from '../../shared/runtime/ports.js';

const METRIC = {
  stopped: 'CallLimitStopped',
  waiting: 'CallLimitHop',
  already_ended: 'CallLimitEnded',
  cancelled: 'CallLimitCancelled',
};

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const now = clock().now();
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records ?? []) {
    try {
      const stop = await stopDueContact({ stops: pendingStops, calls: stoppedCalls }, record.body, now);
      if (stop.outcome !== 'waiting') logger.info('call limit reached', { ...stop });
      metrics.addMetric(METRIC[stop.outcome], MetricUnit.Count, 1);
    } catch (error) {
      logger.error('call limit stop failed', { messageId: record.messageId, error: error as Error });
      metrics.addMetric('CallLimitStopFailures', MetricUnit.Count, 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}).use(injectLambdaContext(logger, { resetKeys: true }));
