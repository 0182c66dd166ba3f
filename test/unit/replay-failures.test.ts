import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { kinesisEvent, parseFailureRecord, replayFailures } from '../../scripts/lib/replay.js';
import {
  type KinesisSdk,
  kinesisShardReader,
  type ShardRecord,
  sqsFailureQueue,
} from '../../scripts/lib/replay-aws.js';

/**
 * Constraints from the API models (kinesis-2013-12-02; SQS ReceiveMessage documentation), checked on every
 * request the replay sends: ShardId 1-128 `[a-zA-Z0-9_.-]+`; ShardIteratorType one of AT_SEQUENCE_NUMBER,
 * AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP; SequenceNumber `0|([1-9]\d{0,128})`;
 * StreamARN 1-2048 `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`; ShardIterator 1-512; GetRecords Limit 1-10000;
 * MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20, VisibilityTimeout 0-43200; QueueUrl and ReceiptHandle required.
 */
const SHARD_ITERATOR_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];
function checkStreamArn(arn: unknown) {
  expect(typeof arn).toBe('string');
  expect((arn as string).length).toBeGreaterThanOrEqual(1);
  expect((arn as string).length).toBeLessThanOrEqual(2048);
  expect(arn).toMatch(/^arn:aws.*:kinesis:.*:\d{12}:stream\/\S+$/);
}
function checkGetShardIterator(input: Record<string, unknown>) {
  checkStreamArn(input.StreamARN);
  const shard = input.ShardId as string;
  expect(shard.length).toBeGreaterThanOrEqual(1);
  expect(shard.length).toBeLessThanOrEqual(128);
  expect(shard).toMatch(/^[a-zA-Z0-9_.-]+$/);
  expect(SHARD_ITERATOR_TYPES).toContain(input.ShardIteratorType);
  if (input.ShardIteratorType === 'AT_SEQUENCE_NUMBER' || input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER')
    expect(input.StartingSequenceNumber).toMatch(/^(0|([1-9]\d{0,128}))$/);
}
function checkGetRecords(input: Record<string, unknown>) {
  checkStreamArn(input.StreamARN);
  const iterator = input.ShardIterator as string;
  expect(iterator.length).toBeGreaterThanOrEqual(1);
  expect(iterator.length).toBeLessThanOrEqual(512);
  if (input.Limit !== undefined) {
    expect(Number.isInteger(input.Limit)).toBe(true);
    expect(input.Limit).toBeGreaterThanOrEqual(1);
    expect(input.Limit).toBeLessThanOrEqual(10_000);
  }
}
function checkReceive(input: Record<string, unknown>) {
  expect(input.QueueUrl).toEqual(expect.any(String));
  expect(input.MaxNumberOfMessages).toBeGreaterThanOrEqual(1);
  expect(input.MaxNumberOfMessages).toBeLessThanOrEqual(10);
  expect(input.WaitTimeSeconds).toBeGreaterThanOrEqual(0);
  expect(input.WaitTimeSeconds).toBeLessThanOrEqual(20);
  expect(input.VisibilityTimeout).toBeGreaterThanOrEqual(0);
  expect(input.VisibilityTimeout).toBeLessThanOrEqual(43_200);
}

/** Stand-ins for @aws-sdk/client-kinesis's classes (not installed here): commands keep their input. */
class GetShardIteratorCommand {
  constructor(readonly input: Record<string, unknown>) {}
}
class GetRecordsCommand {
  constructor(readonly input: Record<string, unknown>) {}
}
class KinesisClient {
  constructor(readonly config: { region?: string }) {}
  async send(_command: object): Promise<unknown> {
    throw new Error('not mocked');
  }
}
const fakeSdk = { KinesisClient, GetShardIteratorCommand, GetRecordsCommand } as unknown as KinesisSdk;
// mockClient stubs send on the prototype, as it does for a real SDK client class.
const kinesis = mockClient(KinesisClient as never);
const sqs = mockClient(SQSClient);
afterAll(() => {
  kinesis.restore();
  sqs.restore();
});

const STREAM = 'arn:aws:kinesis:ap-southeast-1:111122223333:stream/hotline400-contact-records';
const QUEUE = 'https://sqs.ap-southeast-1.amazonaws.com/111122223333/CtrIngestFailures';
const SHARD = 'shardId-000000000003';
const SEQ = (n: number) => `4960118965842235937883629852182763847532018901230970${4700 + n}`;

function failureBody(start: number, end: number, overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
    version: '1.0',
    timestamp: '2026-12-06T10:00:00.000Z',
    KinesisBatchInfo: {
      shardId: SHARD,
      startSequenceNumber: SEQ(start),
      endSequenceNumber: SEQ(end),
      batchSize: end - start + 1,
      streamArn: STREAM,
      ...overrides,
    },
  });
}

function shardRecords(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    SequenceNumber: SEQ(from + i),
    PartitionKey: `contact-${from + i}`,
    Data: new TextEncoder().encode(JSON.stringify({ ContactId: `c-${from + i}` })),
    ApproximateArrivalTimestamp: new Date('2026-12-06T09:00:00Z'),
  }));
}

/** A shard holding records 0..9, read two per page. */
function mockShard(first = 0, last = 9) {
  kinesis.on(GetShardIteratorCommand as never).callsFake(async (input: Record<string, unknown>) => {
    checkGetShardIterator(input);
    const at = [...Array(last - first + 1).keys()]
      .map((i) => first + i)
      .find((n) => SEQ(n) === input.StartingSequenceNumber);
    return { ShardIterator: `it-${at ?? first}` };
  });
  kinesis.on(GetRecordsCommand as never).callsFake(async (input: Record<string, unknown>) => {
    checkGetRecords(input);
    const at = Number(String(input.ShardIterator).slice(3));
    const to = Math.min(at + 1, last);
    return {
      Records: at > last ? [] : shardRecords(at, to),
      NextShardIterator: `it-${to + 1}`,
      MillisBehindLatest: at > last ? 0 : 1000,
    };
  });
}

interface Message {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}
/** A queue whose received messages stay until deleted (visibility ignored: each receive sees them). */
function mockQueue(messages: Message[]) {
  const remaining = [...messages];
  sqs.on(ReceiveMessageCommand).callsFake(async (input) => {
    checkReceive(input);
    return { Messages: remaining.slice(0, input.MaxNumberOfMessages) };
  });
  sqs.on(DeleteMessageCommand).callsFake(async (input) => {
    expect(input).toEqual({ QueueUrl: QUEUE, ReceiptHandle: expect.any(String) });
    const index = remaining.findIndex((m) => m.ReceiptHandle === input.ReceiptHandle);
    if (index >= 0) remaining.splice(index, 1);
    return {};
  });
  return remaining;
}

/** An ingest that records what it saw and dedupes on ContactId, as the real one does. */
function fakeIngest(failing: (contactId: string) => boolean = () => false) {
  const charged = new Set<string>();
  const events: KinesisStreamEvent[] = [];
  const ingest = async (event: KinesisStreamEvent) => {
    events.push(event);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const { ContactId } = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) as {
        ContactId: string;
      };
      if (failing(ContactId)) batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
      else charged.add(ContactId);
    }
    return { batchItemFailures };
  };
  return { ingest, charged, events };
}

const deps = (ingest: ReturnType<typeof fakeIngest>['ingest']) => ({
  queue: sqsFailureQueue(new SQSClient({ region: 'ap-southeast-1' }), QUEUE),
  reader: kinesisShardReader(fakeSdk),
  ingest,
});
const noSleep = async () => {};

beforeEach(() => {
  kinesis.reset();
  sqs.reset();
});

describe('replay of contact-record batches Lambda gave up on', () => {
  it('reads each failed range again, ingests it as a Kinesis event and then deletes the message', async () => {
    mockShard();
    const remaining = mockQueue([
      { MessageId: 'm1', ReceiptHandle: 'r1', Body: failureBody(2, 6) },
      { MessageId: 'm2', ReceiptHandle: 'r2', Body: failureBody(8, 8) },
    ]);
    const fake = fakeIngest();
    const report = await replayFailures(deps(fake.ingest), { sleep: noSleep, chunkSize: 3 });
    expect(report).toMatchObject({ replayed: 2, kept: 0 });
    expect([...fake.charged].sort()).toEqual(['c-2', 'c-3', 'c-4', 'c-5', 'c-6', 'c-8']);
    expect(fake.events.map((e) => e.Records.length)).toEqual([3, 2, 1]);
    expect(remaining).toEqual([]);
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageCommand, 2);
    const record = fake.events[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventSourceARN: STREAM,
      awsRegion: 'ap-southeast-1',
      kinesis: { sequenceNumber: SEQ(2), partitionKey: 'contact-2' },
    });
  });

  it('is safe to run twice: the second run finds nothing to do, and a re-delivered range charges nothing twice', async () => {
    mockShard();
    const body = failureBody(0, 3);
    mockQueue([{ MessageId: 'm1', ReceiptHandle: 'r1', Body: body }]);
    const fake = fakeIngest();
    await replayFailures(deps(fake.ingest), { sleep: noSleep });
    const second = await replayFailures(deps(fake.ingest), { sleep: noSleep });
    expect(second.messages).toEqual([]);
    // The same failure record delivered again (e.g. deleted late): ingest sees the records again and dedupes.
    mockQueue([{ MessageId: 'm1b', ReceiptHandle: 'r1b', Body: body }]);
    const third = await replayFailures(deps(fake.ingest), { sleep: noSleep });
    expect(third.replayed).toBe(1);
    expect(fake.charged.size).toBe(4);
  });

  it('keeps the message when records fail ingest again', async () => {
    mockShard();
    const remaining = mockQueue([{ MessageId: 'm1', ReceiptHandle: 'r1', Body: failureBody(0, 4) }]);
    const fake = fakeIngest((id) => id === 'c-3');
    const report = await replayFailures(deps(fake.ingest), { sleep: noSleep });
    expect(report.messages).toEqual([
      { messageId: 'm1', outcome: 'kept', records: 5, reason: expect.stringMatching(/1 records failed/) },
    ]);
    expect(remaining).toHaveLength(1);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('keeps the message when the stream no longer holds the range, and when it is not a failure record', async () => {
    mockShard(5, 9); // records 0..4 are past the retention
    mockQueue([
      { MessageId: 'm1', ReceiptHandle: 'r1', Body: failureBody(2, 6) },
      { MessageId: 'm2', ReceiptHandle: 'r2', Body: '{"hello":1}' },
    ]);
    const report = await replayFailures(deps(fakeIngest().ingest), { sleep: noSleep });
    expect(report.kept).toBe(2);
    expect(report.messages[0]?.reason).toMatch(/no longer in the stream/);
    expect(report.messages[1]?.reason).toMatch(/not a Kinesis failure record/);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('in a dry run reads and reports but neither ingests nor deletes', async () => {
    mockShard();
    mockQueue([{ MessageId: 'm1', ReceiptHandle: 'r1', Body: failureBody(1, 2) }]);
    const fake = fakeIngest();
    const report = await replayFailures(deps(fake.ingest), { sleep: noSleep, dryRun: true });
    expect(report.messages).toEqual([
      { messageId: 'm1', outcome: 'would replay', records: 2, reason: undefined },
    ]);
    expect(fake.events).toEqual([]);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('stops at --max-messages and asks SQS for no more than that', async () => {
    mockShard();
    mockQueue(
      Array.from({ length: 12 }, (_, i) => ({
        MessageId: `m${i}`,
        ReceiptHandle: `r${i}`,
        Body: failureBody(i % 9, i % 9),
      })),
    );
    const report = await replayFailures(deps(fakeIngest().ingest), { sleep: noSleep, maxMessages: 3 });
    expect(report.messages).toHaveLength(3);
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, { MaxNumberOfMessages: 3 });
  });

  it('sends requests inside the API constraints, including the clamped ones', async () => {
    mockShard();
    mockQueue([]);
    const queue = sqsFailureQueue(new SQSClient({ region: 'ap-southeast-1' }), QUEUE, 60);
    await queue.receive(50, 100_000);
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      VisibilityTimeout: 43_200,
    });
    const reader = kinesisShardReader(fakeSdk);
    await reader.read(STREAM, 'it-0', 50_000);
    const iterator = await reader.iteratorAt(STREAM, SHARD, SEQ(0));
    expect(iterator).toBe('it-0');
  });
});

describe('failure records', () => {
  it('parse the KinesisBatchInfo Lambda writes', () => {
    expect(parseFailureRecord(failureBody(1, 2))).toEqual({
      shardId: SHARD,
      startSequenceNumber: SEQ(1),
      endSequenceNumber: SEQ(2),
      streamArn: STREAM,
      batchSize: 2,
    });
  });

  it('refuse what the Kinesis API would refuse', () => {
    expect(() => parseFailureRecord('nope')).toThrow(/not JSON/);
    expect(() => parseFailureRecord(failureBody(1, 2, { shardId: 'shard id' }))).toThrow(/shardId/);
    expect(() => parseFailureRecord(failureBody(1, 2, { startSequenceNumber: '0123' }))).toThrow(/start/);
    expect(() => parseFailureRecord(failureBody(1, 2, { endSequenceNumber: 'x' }))).toThrow(/end/);
    expect(() => parseFailureRecord(failureBody(1, 2, { streamArn: 'arn:aws:sqs:x' }))).toThrow(/streamArn/);
    expect(() => parseFailureRecord(failureBody(5, 2))).toThrow(/after/);
  });

  it('become a Kinesis event with base64 data, as Lambda delivers it', () => {
    const records: ShardRecord[] = [
      { sequenceNumber: SEQ(1), partitionKey: 'k', data: new TextEncoder().encode('{"a":1}') },
    ];
    const event = kinesisEvent(parseFailureRecord(failureBody(1, 1)), records);
    expect(Buffer.from(event.Records[0]?.kinesis.data ?? '', 'base64').toString()).toBe('{"a":1}');
    expect(event.Records[0]?.eventID).toBe(`${SHARD}:${SEQ(1)}`);
  });
});
