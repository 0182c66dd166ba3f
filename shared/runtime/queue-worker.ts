/**
 * The one way a work-queue worker Lambda is built (the number activations, routing apply): each SQS record
 * is parsed and handed to one use case at the clock's instant; a record that throws is reported in
 * batchItemFailures, so SQS redelivers it after its visibility timeout and, after maxReceiveCount, moves
 * it to the alarmed dead-letter queue. Backing off is the use case's business (it sends the message again
 * with a delay and returns); a throw means "try this message again soon".
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, MetricUnit, metrics } from '../observability.js';
import { workerMetrics } from '../ports/work-queue.js';
import { clock } from './ports.js';

export function queueWorker<M, R extends { readonly outcome: string }>(
  name: string,
  parse: (body: string) => M,
  run: (message: M, at: string) => Promise<R>,
) {
  const names = workerMetrics(name);
  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records ?? []) {
      try {
        const result = await run(parse(record.body), clock().now().toISOString());
        logger.info(`${name} handled`, { result });
        const outcome = metrics.singleMetric();
        outcome.addDimension(names.outcomeDimension, result.outcome);
        outcome.addMetric(names.outcome, MetricUnit.Count, 1);
      } catch (error) {
        logger.error(`${name} failed; the message is redelivered`, {
          messageId: record.messageId,
          error: error as Error,
        });
        metrics.addMetric(names.failures, MetricUnit.Count, 1);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    metrics.publishStoredMetrics();
    return { batchItemFailures };
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}
