/** SQS implementation of the billing queue: SendMessageBatch, 10 at a time, failed entries retried. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '../../config.js';
import type { BillingMessage } from '../../domain/billing/run.js';
import type { BillingQueue } from './billing-queue.js';

export function sqsBillingQueue(
  client = new SQSClient({}),
  queueUrl = requireEnv('BILLING_QUEUE_URL'),
  retryDelayMs = 50,
): BillingQueue {
  return {
    async send(messages: readonly BillingMessage[]) {
      for (let i = 0; i < messages.length; i += 10) {
        let pending = messages
          .slice(i, i + 10)
          .map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 5) throw new Error(`SQS refused ${pending.length} billing messages`);
          if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
          const out = await client.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
          );
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((e) => failed.has(e.Id));
        }
      }
    },
  };
}
