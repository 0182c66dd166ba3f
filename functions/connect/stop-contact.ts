/**
 * Consumes the call-limits queue (SQS): each message is the pending stop of one contact, armed by
 * arm-call-limit. Not yet due → sent on with a new delay; due → Connect StopContact. A failed record is
 * reported in batchItemFailures and redelivered, then dead-lettered (alarmed).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ConnectClient } from '@aws-sdk/client-connect';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parsePendingStop, relayPendingStop } from '../../shared/adapters/sqs/call-limits.js';
import { requireEnv } from '../../shared/config.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';

let deps: { sqs: SQSClient; connect: ConnectClient; queueUrl: string } | undefined;

export async function stopDueContacts(event: SQSEvent, now = new Date()): Promise<SQSBatchResponse> {
  deps ??= {
    sqs: new SQSClient({}),
    connect: new ConnectClient({}),
    queueUrl: requireEnv('CALL_LIMITS_QUEUE_URL'),
  };
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records ?? []) {
    try {
      const stop = parsePendingStop(record.body);
      const outcome = await relayPendingStop(stop, now, deps);
      if (outcome !== 'waiting') logger.info('call limit reached', { ...stop, outcome });
      metrics.addMetric(
        outcome === 'stopped'
          ? 'CallLimitStopped'
          : outcome === 'waiting'
            ? 'CallLimitHop'
            : 'CallLimitEnded',
        MetricUnit.Count,
        1,
      );
    } catch (error) {
      logger.error('call limit stop failed', { messageId: record.messageId, error: error as Error });
      metrics.addMetric('CallLimitStopFailures', MetricUnit.Count, 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}

export const handler = middy((event: SQSEvent) => stopDueContacts(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
