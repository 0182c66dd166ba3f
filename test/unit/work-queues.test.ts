/**
 * Work queues: the SQS adapter's requests fit SendMessage's documented constraints
 * (test/support/provider-models.ts: QueueUrl, a non-empty body of SQS's characters within 256 KiB,
 * DelaySeconds an integer 0–900, nothing FIFO), the back-off schedule, the in-process stand-in's
 * delivery (re-queues join the drain, failures are redelivered then dead-lettered) and the worker wrapper's
 * partial batch failures.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessWorkQueue } from '../../shared/adapters/local/in-process-work-queue.js';
import { sqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { parseActivationMessage, parseRoutingApplyMessage } from '../../shared/ports/queue-messages.js';
import { backoffSeconds, MAX_DELAY_SECONDS } from '../../shared/ports/work-queue.js';
import { queueWorker } from '../../shared/runtime/queue-worker.js';
import { sendMessageProblems } from '../support/provider-models.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());
const QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/111122223333/hotline-NumberActivations';

describe('sqsWorkQueue', () => {
  it('sends the message as JSON with its delay, clamped to SQS’s 0–900 s, within the model', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const queue = sqsWorkQueue<{ type: string; n: number }>(
      new SQSClient({ region: 'ap-southeast-1' }),
      QUEUE_URL,
    );
    await queue.send({ type: 'number.activate', n: 1 });
    await queue.send({ type: 'number.activate', n: 2 }, { delaySeconds: 30 });
    await queue.send({ type: 'number.activate', n: 3 }, { delaySeconds: 3600 });
    await queue.send({ type: 'number.activate', n: 4 }, { delaySeconds: 7.6 });
    const inputs = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.DelaySeconds)).toEqual([undefined, 30, 900, 8]);
    expect(inputs.map((i) => JSON.parse(i.MessageBody ?? '').n)).toEqual([1, 2, 3, 4]);
    for (const input of inputs) expect(sendMessageProblems(input)).toEqual([]);
    expect(inputs.every((i) => i.QueueUrl === QUEUE_URL)).toBe(true);
  });
});

describe('backoffSeconds', () => {
  it('doubles from the base and stops at 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffSeconds(n, 30))).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
    expect([1, 2, 3].map((n) => backoffSeconds(n, 4))).toEqual([4, 8, 16]);
    expect(MAX_DELAY_SECONDS).toBe(900);
  });
});

describe('inProcessWorkQueue', () => {
  it('lets a worker’s re-queue join the drain: the first send returns once everything is handled', async () => {
    const handled: number[] = [];
    const queue = inProcessWorkQueue<{ n: number }>(
      'test',
      async () => async (event: SQSEvent) => {
        const { n } = JSON.parse(event.Records[0]?.body ?? '{}') as { n: number };
        handled.push(n);
        if (n < 3) await queue.send({ n: n + 1 }, { delaySeconds: 10 * n });
        return { batchItemFailures: [] };
      },
      {},
    );
    await queue.send({ n: 1 });
    expect(handled).toEqual([1, 2, 3]);
    expect(queue.sent.map((s) => s.delaySeconds)).toEqual([0, 10, 20]);
    expect(queue.stats).toMatchObject({ sent: 3, delivered: 3, redelivered: 0, delayedSeconds: 30 });
  });

  it('redelivers a failed message, then keeps it as dead-lettered', async () => {
    let calls = 0;
    const queue = inProcessWorkQueue<{ n: number }>(
      'test',
      async () => async (event: SQSEvent) => {
        calls += 1;
        if (calls === 1) throw new Error('crash');
        return { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] };
      },
      {},
      { maxReceives: 3 },
    );
    await queue.send({ n: 7 });
    expect(calls).toBe(3);
    expect(queue.deadLetters).toEqual([{ n: 7 }]);
  });
});

describe('queueWorker', () => {
  it('hands each record to the use case and reports only the ones that threw', async () => {
    const seen: number[] = [];
    const handler = queueWorker(
      'Test',
      (body) => JSON.parse(body) as { n: number },
      async (message) => {
        if (message.n === 2) throw new Error('boom');
        seen.push(message.n);
        return { outcome: 'done' };
      },
    );
    const record = (id: string, n: number) => ({ messageId: id, body: JSON.stringify({ n }) });
    const result = await handler(
      { Records: [record('a', 1), record('b', 2), record('c', 3)] } as unknown as SQSEvent,
      {} as Context,
    );
    expect(seen).toEqual([1, 3]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });
});

describe('worker messages', () => {
  const activation = { type: 'number.activate', number: '4008123123', applicationId: 'app_1', generation: 2 };
  const apply = { type: 'routing.apply', number: '4008123123', jobId: 'job_1' };

  it('parse back exactly what the senders write', () => {
    expect(parseActivationMessage(JSON.stringify(activation))).toEqual(activation);
    expect(parseRoutingApplyMessage(JSON.stringify(apply))).toEqual(apply);
  });

  it.each([
    ['not JSON', '{"type":', parseActivationMessage],
    ['another message type', JSON.stringify(apply), parseActivationMessage],
    ['a fractional generation', JSON.stringify({ ...activation, generation: 1.5 }), parseActivationMessage],
    ['a negative generation', JSON.stringify({ ...activation, generation: -1 }), parseActivationMessage],
    ['no job', JSON.stringify({ ...apply, jobId: undefined }), parseRoutingApplyMessage],
  ])('refuse %s as an invalid message (it ends in the dead-letter queue)', (_what, body, parse) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ code: 'invalid_message' }));
  });
});
