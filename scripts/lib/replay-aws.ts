/**
 * The AWS calls of the replay (scripts/replay-failures.ts), and nothing else: receive and delete the
 * on-failure queue's messages (SQS), read a shard from a sequence number (Kinesis). Requests are shaped to
 * the API models' constraints; test/unit/replay-failures.test.ts checks each against them.
 *
 * @aws-sdk/client-kinesis is loaded when the script runs (a variable specifier), so this compiles and the
 * tests run where that package is not installed; `KinesisSdk` is the part of it used here.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface FailureMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
}

export interface FailureQueue {
  /** Up to `max` (1-10) messages, hidden from other readers for `visibilitySeconds`. */
  receive(max: number, visibilitySeconds: number): Promise<FailureMessage[]>;
  delete(message: FailureMessage): Promise<void>;
}

/** SQS limits (ReceiveMessage): 1-10 messages, long poll 0-20 s, visibility 0-43200 s. */
export const SQS_LIMITS = { maxMessages: 10, maxWaitSeconds: 20, maxVisibilitySeconds: 43_200 } as const;

export function sqsFailureQueue(client: SQSClient, queueUrl: string, waitSeconds = 2): FailureQueue {
  return {
    async receive(max, visibilitySeconds) {
      const result = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(Math.max(1, Math.trunc(max)), SQS_LIMITS.maxMessages),
          WaitTimeSeconds: Math.min(Math.max(0, waitSeconds), SQS_LIMITS.maxWaitSeconds),
          VisibilityTimeout: Math.min(Math.max(0, visibilitySeconds), SQS_LIMITS.maxVisibilitySeconds),
        }),
      );
      return (result.Messages ?? []).flatMap((m) =>
        m.MessageId && m.ReceiptHandle && m.Body !== undefined
          ? [{ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body }]
          : [],
      );
    },
    async delete(message) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle }),
      );
    },
  };
}

export interface ShardRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp?: Date;
}

export interface ShardPage {
  readonly records: readonly ShardRecord[];
  /** Absent when the shard is closed and read to its end. */
  readonly nextIterator?: string;
  readonly millisBehindLatest?: number;
}

export interface ShardReader {
  /** An iterator at exactly this record (AT_SEQUENCE_NUMBER). */
  iteratorAt(streamArn: string, shardId: string, sequenceNumber: string): Promise<string>;
  read(streamArn: string, iterator: string, limit: number): Promise<ShardPage>;
}

/** GetRecords returns at most 10,000 records (GetRecordsInputLimit). */
export const MAX_GET_RECORDS = 10_000;

type Command = new (input: object) => object;
export interface KinesisSdk {
  readonly KinesisClient: new (config: { region?: string }) => { send(command: object): Promise<unknown> };
  readonly GetShardIteratorCommand: Command;
  readonly GetRecordsCommand: Command;
}

interface GetRecordsOutput {
  readonly Records?: readonly {
    SequenceNumber?: string;
    PartitionKey?: string;
    Data?: Uint8Array;
    ApproximateArrivalTimestamp?: Date;
  }[];
  readonly NextShardIterator?: string;
  readonly MillisBehindLatest?: number;
}

/** The region of a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>). */
export function regionOfStream(streamArn: string): string | undefined {
  return /^arn:aws[\w-]*:kinesis:([a-z0-9-]+):\d{12}:stream\/\S+$/.exec(streamArn)?.[1];
}

export function kinesisShardReader(sdk: KinesisSdk): ShardReader {
  const clients = new Map<string | undefined, { send(command: object): Promise<unknown> }>();
  const clientFor = (streamArn: string) => {
    const region = regionOfStream(streamArn);
    let client = clients.get(region);
    if (!client) {
      client = new sdk.KinesisClient(region ? { region } : {});
      clients.set(region, client);
    }
    return client;
  };
  return {
    async iteratorAt(streamArn, shardId, sequenceNumber) {
      const result = (await clientFor(streamArn).send(
        new sdk.GetShardIteratorCommand({
          StreamARN: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: sequenceNumber,
        }),
      )) as { ShardIterator?: string };
      if (!result.ShardIterator) throw new Error(`no shard iterator for ${shardId} at ${sequenceNumber}`);
      return result.ShardIterator;
    },
    async read(streamArn, iterator, limit) {
      const result = (await clientFor(streamArn).send(
        new sdk.GetRecordsCommand({
          StreamARN: streamArn,
          ShardIterator: iterator,
          Limit: Math.min(Math.max(1, Math.trunc(limit)), MAX_GET_RECORDS),
        }),
      )) as GetRecordsOutput;
      return {
        records: (result.Records ?? []).map((r) => ({
          sequenceNumber: r.SequenceNumber ?? '',
          partitionKey: r.PartitionKey ?? '',
          data: r.Data ?? new Uint8Array(),
          approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
        })),
        nextIterator: result.NextShardIterator,
        millisBehindLatest: result.MillisBehindLatest,
      };
    },
  };
}

const KINESIS_SDK: string = '@aws-sdk/client-kinesis';

export async function loadKinesisSdk(): Promise<KinesisSdk> {
  try {
    return (await import(KINESIS_SDK)) as KinesisSdk;
  } catch {
    throw new Error(`${KINESIS_SDK} is not installed: npm install ${KINESIS_SDK}`);
  }
}
