/**
 * The local stand-in for billing's SQS queue: delivers each message to the worker handler as a one-record SQS
 * event with the shared redrive (../local/in-process-work-queue.ts), `concurrency` at a time, in this process.
 */
import type { BillingMessage } from '../../domain/billing/run.js';
import { deliverWithRedrive, type QueueWorkerHandler } from '../local/in-process-work-queue.js';
import type { BillingQueue } from './billing-queue.js';

export type WorkerHandler = QueueWorkerHandler;

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

  function deliver(handler: WorkerHandler, message: BillingMessage): Promise<void> {
    return deliverWithRedrive(handler, message, {
      name: 'billing',
      context,
      maxReceives,
      stats,
      deadLetters,
    });
  }
}
