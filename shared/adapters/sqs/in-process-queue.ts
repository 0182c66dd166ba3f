/**
 * The local stand-in for SQS: delivers each message to the worker handler as a one-record SQS event,
 * redelivers what the handler reports in batchItemFailures (or throws on) up to `maxReceives` times, then
 * keeps it as dead-lettered, like a redrive policy. Deliveries run in order, in this process.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BillingMessage } from '../../domain/billing/run.js';
import type { BillingQueue } from './billing-queue.js';

export type WorkerHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse | undefined>;

export interface InProcessQueue extends BillingQueue {
  readonly deadLetters: BillingMessage[];
  readonly stats: { delivered: number; redelivered: number };
}

export interface InProcessQueueOptions {
  /** Deliveries before a message is dead-lettered (SQS maxReceiveCount). */
  readonly maxReceives?: number;
  /** Messages handled at once, like concurrent Lambda workers (1: strictly in order). */
  readonly concurrency?: number;
}

export function inProcessQueue(
  worker: () => Promise<WorkerHandler>,
  context: unknown,
  { maxReceives = 5, concurrency = 1 }: InProcessQueueOptions = {},
): InProcessQueue {
  const deadLetters: BillingMessage[] = [];
  const stats = { delivered: 0, redelivered: 0 };
  return {
    deadLetters,
    stats,
    async send(messages) {
      const handler = await worker();
      let next = 0;
      const lane = async () => {
        while (next < messages.length) {
          const message = messages[next++] as BillingMessage;
          await deliver(handler, message);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, messages.length)) }, lane));
    },
  };

  async function deliver(handler: WorkerHandler, message: BillingMessage): Promise<void> {
    const messageId = randomUUID();
    for (let receive = 1; ; receive++) {
      const event: SQSEvent = {
        Records: [
          {
            messageId,
            receiptHandle: messageId,
            body: JSON.stringify(message),
            attributes: {
              ApproximateReceiveCount: String(receive),
              SentTimestamp: String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:local:000000000000:billing',
            awsRegion: 'local',
          },
        ],
      };
      stats.delivered++;
      let failed: boolean;
      try {
        const response = await handler(event, context);
        failed = (response?.batchItemFailures ?? []).some((f) => f.itemIdentifier === messageId);
      } catch {
        failed = true;
      }
      if (!failed) break;
      if (receive >= maxReceives) {
        deadLetters.push(message);
        break;
      }
      stats.redelivered++;
    }
  }
}
