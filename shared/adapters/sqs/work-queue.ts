/**
 * WorkQueue on SQS (standard queues: no MessageGroupId or deduplication id): one SendMessage per message, its
 * delay clamped to SQS's 0–900 s, its body within SQS's characters and our 256 KiB bound (`messageBody`). The
 * SDK's own retries cover throttling and transient errors; a send that still fails throws (the sender's
 * caller decides: an approval answers an error, a worker's message is redelivered).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_DELAY_SECONDS, messageBody, type SendOptions, type WorkQueue } from '../../ports/work-queue.js';

export function sqsWorkQueue<M>(client: SQSClient, queueUrl: string): WorkQueue<M> {
  return {
    async send(message: M, options: SendOptions = {}) {
      const body = messageBody(message);
      const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(options.delaySeconds ?? 0)));
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          ...(delay > 0 ? { DelaySeconds: delay } : {}),
        }),
      );
    },
  };
}
