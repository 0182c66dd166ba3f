/**
 * The local stand-in for a work queue and its worker: each message is delivered to the worker handler as
 * a one-record SQS event, in this process. A send made while the queue is draining (a worker re-queueing
 * with a delay) joins the drain, so the outermost send returns once every message it led to is handled:
 * an approval or an apply on `npm start` has finished its work when its 202 comes back. Delays are
 * recorded, not waited (the local clock is a test clock). A message the handler fails (batchItemFailures
 * or a throw) is redelivered up to `maxReceives` times, then kept as dead-lettered, like a redrive policy.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageBody, type SendOptions, type WorkQueue } from '../../ports/work-queue.js';

export type QueueWorkerHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse | undefined>;

export interface InProcessWorkQueue<M> extends WorkQueue<M> {
  readonly deadLetters: M[];
  readonly stats: { sent: number; delivered: number; redelivered: number; delayedSeconds: number };
  /** Every message sent, with its delay (newest last). */
  readonly sent: { message: M; delaySeconds: number }[];
}

export function inProcessWorkQueue<M>(
  name: string,
  worker: () => Promise<QueueWorkerHandler>,
  context: unknown,
  { maxReceives = 5 }: { readonly maxReceives?: number } = {},
): InProcessWorkQueue<M> {
  const waiting: M[] = [];
  const deadLetters: M[] = [];
  const sent: { message: M; delaySeconds: number }[] = [];
  const stats = { sent: 0, delivered: 0, redelivered: 0, delayedSeconds: 0 };
  let draining = false;

  const deliver = (handler: QueueWorkerHandler, message: M) =>
    deliverWithRedrive(handler, message, { name, context, maxReceives, stats, deadLetters });

  return {
    deadLetters,
    stats,
    sent,
    async send(message: M, options: SendOptions = {}) {
      // SQS's body rules hold here too, so a message too large fails locally as it would in AWS.
      messageBody(message);
      const delaySeconds = options.delaySeconds ?? 0;
      stats.sent++;
      stats.delayedSeconds += delaySeconds;
      sent.push({ message, delaySeconds });
      waiting.push(message);
      if (draining) return;
      draining = true;
      try {
        const handler = await worker();
        for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
          await deliver(handler, next);
        }
      } finally {
        draining = false;
      }
    },
  };
}

/**
 * One message to a worker handler as a one-record SQS event, redelivered while the handler reports it in
 * batchItemFailures (or throws), then kept as dead-lettered after `maxReceives` deliveries, like a redrive
 * policy. Shared by the in-process stand-ins of SQS (this one, and billing's).
 */
export async function deliverWithRedrive<M>(
  handler: QueueWorkerHandler,
  message: M,
  queue: {
    readonly name: string;
    readonly context: unknown;
    readonly maxReceives: number;
    readonly stats: { delivered: number; redelivered: number };
    readonly deadLetters: M[];
  },
): Promise<void> {
  const messageId = randomUUID();
  for (let receive = 1; ; receive++) {
    const event = {
      Records: [
        {
          messageId,
          receiptHandle: messageId,
          body: JSON.stringify(message),
          attributes: {
            ApproximateReceiveCount: String(receive),
            SentTimestamp: '0',
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:local:000000000000:${queue.name}`,
          awsRegion: 'local',
        },
      ],
    } as SQSEvent;
    queue.stats.delivered++;
    let failed: boolean;
    try {
      const response = await handler(event, queue.context);
      failed = (response?.batchItemFailures ?? []).some((f) => f.itemIdentifier === messageId);
    } catch {
      failed = true;
    }
    if (!failed) return;
    if (receive >= queue.maxReceives) {
      queue.deadLetters.push(message);
      return;
    }
    queue.stats.redelivered++;
  }
}
