/**
 * Replays contact-record batches Lambda gave up on. The ctr-ingest event source sends a record of each
 * failed batch to its on-failure queue (`CtrIngestFailures`): not the records, only where they are
 * (`KinesisBatchInfo`: stream, shard, first and last sequence numbers). The replay reads that range from
 * the stream again and hands it to the same entry the Lambda runs, as a Kinesis event.
 *
 * Safe to run twice: ingest dedupes on ContactId, so records already charged are skipped; a message is
 * deleted only once every record of its range was read and ingested without a failure. The stream keeps
 * records for its retention period (7 days): replay before then.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import {
  type FailureMessage,
  type FailureQueue,
  type ShardReader,
  type ShardRecord,
  SQS_LIMITS,
} from './replay-aws.js';

/** What Lambda writes for a failed Kinesis batch (the fields the replay uses). */
export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly streamArn: string;
  readonly batchSize?: number;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** Kinesis API model: SequenceNumber `0|([1-9]\d{0,128})`, ShardId 1-128 `[a-zA-Z0-9_.-]+`, StreamARN. */
const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,128})$/;
const SHARD_ID = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN = /^arn:aws[\w-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/\S+$/;

export function parseFailureRecord(body: string): KinesisBatchInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ReplayError('not JSON');
  }
  const info = (parsed as { KinesisBatchInfo?: Record<string, unknown> } | null)?.KinesisBatchInfo;
  if (!info || typeof info !== 'object')
    throw new ReplayError('no KinesisBatchInfo: not a Kinesis failure record');
  const { shardId, startSequenceNumber, endSequenceNumber, streamArn, batchSize } = info;
  if (typeof shardId !== 'string' || !SHARD_ID.test(shardId))
    throw new ReplayError(`bad shardId ${String(shardId)}`);
  for (const [name, value] of [
    ['startSequenceNumber', startSequenceNumber],
    ['endSequenceNumber', endSequenceNumber],
  ] as const) {
    if (typeof value !== 'string' || !SEQUENCE_NUMBER.test(value))
      throw new ReplayError(`bad ${name} ${String(value)}`);
  }
  if (typeof streamArn !== 'string' || streamArn.length > 2048 || !STREAM_ARN.test(streamArn))
    throw new ReplayError(`bad streamArn ${String(streamArn)}`);
  if (BigInt(startSequenceNumber as string) > BigInt(endSequenceNumber as string))
    throw new ReplayError('startSequenceNumber is after endSequenceNumber');
  return {
    shardId,
    startSequenceNumber: startSequenceNumber as string,
    endSequenceNumber: endSequenceNumber as string,
    streamArn,
    ...(typeof batchSize === 'number' ? { batchSize } : {}),
  };
}

export interface ReadBatch {
  readonly records: ShardRecord[];
  /** Why the range could not be read whole, if it could not. */
  readonly problem?: string;
}

/** Kinesis allows 5 GetRecords a second per shard; stay under it. */
const READ_PAUSE_MS = 250;
/** Empty pages in a row before giving up on reaching the end sequence number. */
const MAX_EMPTY_PAGES = 5;

/** The records from start to end sequence number, inclusive, read again from the shard. */
export async function readBatch(
  reader: ShardReader,
  info: KinesisBatchInfo,
  sleep: (ms: number) => Promise<void>,
): Promise<ReadBatch> {
  const end = BigInt(info.endSequenceNumber);
  const records: ShardRecord[] = [];
  let iterator: string | undefined = await reader.iteratorAt(
    info.streamArn,
    info.shardId,
    info.startSequenceNumber,
  );
  let emptyPages = 0;
  let reachedEnd = false;
  while (iterator && !reachedEnd) {
    const page = await reader.read(info.streamArn, iterator, Math.min((info.batchSize ?? 1000) + 1, 10_000));
    for (const record of page.records) {
      if (BigInt(record.sequenceNumber) > end) {
        reachedEnd = true;
        break;
      }
      records.push(record);
      if (BigInt(record.sequenceNumber) === end) reachedEnd = true;
    }
    if (reachedEnd) break;
    if (page.records.length === 0 && (page.millisBehindLatest === 0 || ++emptyPages >= MAX_EMPTY_PAGES))
      break;
    iterator = page.nextIterator;
    await sleep(READ_PAUSE_MS);
  }
  const first = records[0]?.sequenceNumber;
  if (first !== info.startSequenceNumber)
    return {
      records,
      problem: `the batch's first record ${info.startSequenceNumber} is no longer in the stream (past its retention?)`,
    };
  if (records.at(-1)?.sequenceNumber !== info.endSequenceNumber)
    return { records, problem: `read ${records.length} records but not up to ${info.endSequenceNumber}` };
  return { records };
}

/** The records as the Kinesis event Lambda would have delivered. */
export function kinesisEvent(info: KinesisBatchInfo, records: readonly ShardRecord[]): KinesisStreamEvent {
  const region = info.streamArn.split(':')[3] ?? '';
  return {
    Records: records.map((record) => ({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${info.shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: '',
      awsRegion: region,
      eventSourceARN: info.streamArn,
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: record.sequenceNumber,
        data: Buffer.from(record.data).toString('base64'),
        approximateArrivalTimestamp: (record.approximateArrivalTimestamp?.getTime() ?? 0) / 1000,
      },
    })),
  };
}

/** The ingest entry of functions/streams/ctr-ingest.ts (processContactRecords). */
export type IngestEntry = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export interface ReplayOptions {
  /** Stop after this many failure messages. @default no limit */
  readonly maxMessages?: number;
  /** Read and report, ingest and delete nothing. */
  readonly dryRun?: boolean;
  /** Records per ingest call, as the event source batches them. @default 100 */
  readonly chunkSize?: number;
  /** How long a message being replayed stays hidden from another reader. @default 900 */
  readonly visibilitySeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface MessageOutcome {
  readonly messageId: string;
  readonly outcome: 'replayed' | 'kept' | 'would replay';
  readonly records: number;
  readonly reason?: string;
}

export interface ReplayReport {
  readonly messages: readonly MessageOutcome[];
  readonly replayed: number;
  readonly kept: number;
}

/**
 * Primary course: receive failure messages, read each one's range from the stream, ingest it in chunks,
 * delete the message. Variations: an unreadable message, a range the stream no longer holds, or records
 * ingest fails again → the message is kept (it reappears after its visibility timeout) with the reason.
 */
export async function replayFailures(
  deps: { readonly queue: FailureQueue; readonly reader: ShardReader; readonly ingest: IngestEntry },
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const chunkSize = options.chunkSize ?? 100;
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  const outcomes: MessageOutcome[] = [];
  const seen = new Set<string>();
  while (outcomes.length < limit) {
    const batch = await deps.queue.receive(
      Math.min(SQS_LIMITS.maxMessages, limit - outcomes.length),
      options.visibilitySeconds ?? 900,
    );
    // An empty receive, or a message seen already (its visibility ran out): the queue is done for this run.
    const fresh = batch.filter((m) => !seen.has(m.messageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.messageId);
      outcomes.push(await replayOne(message, deps, options.dryRun === true, chunkSize, sleep));
      if (outcomes.length >= limit) break;
    }
  }
  return {
    messages: outcomes,
    replayed: outcomes.filter((o) => o.outcome === 'replayed').length,
    kept: outcomes.filter((o) => o.outcome === 'kept').length,
  };
}

async function replayOne(
  message: FailureMessage,
  deps: { readonly queue: FailureQueue; readonly reader: ShardReader; readonly ingest: IngestEntry },
  dryRun: boolean,
  chunkSize: number,
  sleep: (ms: number) => Promise<void>,
): Promise<MessageOutcome> {
  const kept = (records: number, reason: string): MessageOutcome => ({
    messageId: message.messageId,
    outcome: 'kept',
    records,
    reason,
  });
  let info: KinesisBatchInfo;
  try {
    info = parseFailureRecord(message.body);
  } catch (error) {
    return kept(0, `unreadable failure record: ${(error as Error).message}`);
  }
  const read = await readBatch(deps.reader, info, sleep);
  if (dryRun)
    return {
      messageId: message.messageId,
      outcome: 'would replay',
      records: read.records.length,
      reason: read.problem,
    };
  const failed: string[] = [];
  for (let i = 0; i < read.records.length; i += chunkSize) {
    const response = await deps.ingest(kinesisEvent(info, read.records.slice(i, i + chunkSize)));
    failed.push(...(response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  }
  if (failed.length > 0)
    return kept(read.records.length, `${failed.length} records failed ingest again (first: ${failed[0]})`);
  if (read.problem) return kept(read.records.length, read.problem);
  await deps.queue.delete(message);
  return { messageId: message.messageId, outcome: 'replayed', records: read.records.length };
}
