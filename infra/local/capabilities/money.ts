/**
 * Calls and money in the local runtime: notifications handed to an in-process notifications queue whose
 * worker is the notifier's own handler, delivering through the local messaging adapter (outbox at
 * GET /local/outbox, provider faults at POST /local/outbox/faults; the queue's messages and dead letters at
 * GET /local/notifications/queue), the
 * local recordings adapter (stand-in download links),
 * the demo tenant's opening balance, and a local Kinesis stream for contact records —
 * POST /local/contact-records wraps raw records exactly as Kinesis delivers them to the ctr-ingest
 * handler (base64 data, partitionKey = ContactId, increasing sequence numbers, batches), honours
 * ReportBatchItemFailures (retry from the lowest failed record), bisects a batch that keeps failing, and
 * parks records that exhaust their retries in a failure destination (GET /local/contact-records/failures).
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
  type QueueWorkerHandler,
} from '../../../shared/adapters/local/in-process-work-queue.js';
import {
  createLocalNotifications,
  type LocalNotifications,
} from '../../../shared/adapters/local/local-notifications.js';
import { createLocalRecordings } from '../../../shared/adapters/local/local-recordings.js';
import { queuedNotifications } from '../../../shared/adapters/messaging/queued-notifications.js';
import type { NotificationMessage } from '../../../shared/ports/notifications.js';
import { ledger, money } from '../../../shared/runtime/money.js';
import { clock, usePorts } from '../../../shared/runtime/ports.js';
import { useWorkQueue, workQueue } from '../../../shared/runtime/work-queues.js';
import { NOTIFICATION_FUNCTIONS } from '../../catalogue/notifications.js';
import { WORK_QUEUES } from '../../catalogue/work-queues.js';
import type { LocalCapability, LocalRuntimeContext } from '../capability.js';

export const DEMO_TENANT = 'demo';
export const DEMO_OPENING_BALANCE = 50_000;
const CTR_INGEST_ENTRY = 'functions/streams/ctr-ingest.ts';

type KinesisHandler = (
  event: KinesisStreamEvent,
  context: unknown,
) => Promise<KinesisStreamBatchResponse | undefined>;

export interface ParkedRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: string;
  readonly reason: string;
  readonly attempts: number;
  readonly parkedAt: string;
}

export interface StreamOptions {
  readonly batchSize?: number;
  /** Retries of a failing batch before it is bisected or parked (Lambda's MaximumRetryAttempts). */
  readonly maxRetries?: number;
  readonly bisectOnError?: boolean;
  /** Explains why the handler failed a record (the handler's own log, in AWS). */
  readonly reasonOf?: (sequenceNumber: string) => string | undefined;
}

export interface DeliveryReport {
  readonly records: number;
  readonly invocations: number;
  readonly parked: number;
}

/** One local shard: records in order, delivered in batches to the handler as Lambda's event source would. */
export class LocalContactStream {
  readonly failures: ParkedRecord[] = [];
  private sequence = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000n;
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private readonly bisect: boolean;
  /** Serialises deliveries: a shard has one batch in flight at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handler: KinesisHandler,
    private readonly context: unknown,
    private readonly options: StreamOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.maxRetries = options.maxRetries ?? 3;
    this.bisect = options.bisectOnError ?? true;
  }

  /** Wraps raw records (objects, strings, anything) into Kinesis records and delivers them. */
  put(raw: readonly unknown[]): Promise<DeliveryReport> {
    const records = raw.map((r) => this.wrap(r));
    const run = this.tail.then(() => this.deliver(records));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private wrap(raw: unknown): KinesisStreamRecord {
    const data = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? 'null');
    let partitionKey = 'unknown';
    if (raw && typeof raw === 'object' && typeof (raw as { ContactId?: unknown }).ContactId === 'string') {
      partitionKey = (raw as { ContactId: string }).ContactId;
    } else if (typeof raw === 'string') {
      partitionKey = /"ContactId"\s*:\s*"([^"]+)"/.exec(raw)?.[1] ?? 'unknown';
    }
    this.sequence += 1_000n;
    const now = clock().now().getTime() / 1000;
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber: this.sequence.toString(),
        data: Buffer.from(data, 'utf8').toString('base64'),
        approximateArrivalTimestamp: now,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${this.sequence}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/local-ctr-ingest',
      awsRegion: 'local',
      eventSourceARN: 'arn:aws:kinesis:local:000000000000:stream/contact-records',
    };
  }

  private async deliver(records: readonly KinesisStreamRecord[]): Promise<DeliveryReport> {
    let invocations = 0;
    const parkedBefore = this.failures.length;
    const run = async (batch: readonly KinesisStreamRecord[]): Promise<void> => {
      let pending = batch;
      let attempt = 0;
      let lastError = '';
      for (;;) {
        attempt++;
        invocations++;
        let failed: Set<string>;
        try {
          const response = await this.handler({ Records: [...pending] }, this.context);
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          lastError = '';
        } catch (error) {
          // A function error fails the whole batch.
          failed = new Set(pending.map((r) => r.kinesis.sequenceNumber));
          lastError = `function error: ${(error as Error).message}`;
        }
        if (failed.size === 0) return;
        // Lambda checkpoints before the lowest failed record and retries from it.
        const firstFailed = pending.findIndex((r) => failed.has(r.kinesis.sequenceNumber));
        if (firstFailed < 0) return;
        pending = pending.slice(firstFailed);
        if (attempt <= this.maxRetries) continue;
        if (this.bisect && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          await run(pending.slice(0, half));
          await run(pending.slice(half));
          return;
        }
        for (const r of pending) {
          const seq = r.kinesis.sequenceNumber;
          if (!failed.has(seq) && lastError === '') continue;
          this.failures.push({
            sequenceNumber: seq,
            partitionKey: r.kinesis.partitionKey,
            data: Buffer.from(r.kinesis.data, 'base64').toString('utf8'),
            reason: lastError || this.options.reasonOf?.(seq) || 'reported as a batch item failure',
            attempts: attempt,
            parkedAt: clock().now().toISOString(),
          });
        }
        return;
      }
    };
    for (let i = 0; i < records.length; i += this.batchSize) await run(records.slice(i, i + this.batchSize));
    return { records: records.length, invocations, parked: this.failures.length - parkedBefore };
  }
}

let notifications: LocalNotifications | undefined;
let notificationQueue: InProcessWorkQueue<unknown> | undefined;
let stream: LocalContactStream | undefined;
let streamRuntime: LocalRuntimeContext | undefined;

async function contactStream(): Promise<LocalContactStream> {
  if (stream) return stream;
  if (!streamRuntime) throw new Error('the money capability is not set up');
  const handler = await streamRuntime.loadHandler<KinesisStreamEvent, KinesisStreamBatchResponse>(
    CTR_INGEST_ENTRY,
  );
  const { recentFailureReasons } = (await import('../../../functions/streams/ctr-ingest.js')) as {
    recentFailureReasons: Map<string, string>;
  };
  stream = new LocalContactStream(handler, streamRuntime.lambdaContext('ctrIngest'), {
    reasonOf: (seq) => recentFailureReasons.get(seq),
  });
  return stream;
}

/**
 * Feeds contact records into the local stream (the routing capability's call simulator calls this with
 * the records of simulated calls). Resolves once they have been delivered, retried or parked.
 */
export async function ingestContactRecords(records: unknown[]): Promise<DeliveryReport> {
  return (await contactStream()).put(records);
}

/** The local outbox (what SES and Aliyun SMS would have sent). */
export function localOutbox(): LocalNotifications {
  notifications ??= createLocalNotifications();
  return notifications;
}

export const capability: LocalCapability = {
  name: 'money',
  async setup(runtime) {
    streamRuntime = runtime;
    stream = undefined;
    // The messaging port: the notifier resolves recipients (alert contacts included) before it delivers.
    notifications = createLocalNotifications({ now: () => clock().now() });
    // As in AWS: use cases hand notifications to the queue; the notifier's handler delivers them.
    const notifier = NOTIFICATION_FUNCTIONS.find((f) => f.id === 'notifier');
    const row = WORK_QUEUES.find((q) => q.name === 'notifications');
    if (!notifier || !row) throw new Error('the notifier or its queue is missing from the catalogue');
    notificationQueue = inProcessWorkQueue(
      'notifications',
      () => runtime.loadHandler(notifier.entry) as Promise<QueueWorkerHandler>,
      runtime.lambdaContext(notifier.id),
      { maxReceives: row.maxReceiveCount },
    );
    useWorkQueue('notifications', notificationQueue);
    usePorts({
      notifications: queuedNotifications(() => workQueue<NotificationMessage>('notifications')),
      messaging: notifications,
      recordings: createLocalRecordings(),
    });
  },
  async seed() {
    // Idempotent: the opening credit has a permanent key, so a re-seed posts nothing.
    await ledger().post([
      {
        tenantId: DEMO_TENANT,
        key: 'opening#demo-balance',
        kind: 'adjustment',
        amount: DEMO_OPENING_BALANCE,
        at: '2026-01-01T00:00:00.000Z',
        description: 'demo opening balance',
      },
    ]);
  },
  routes: [
    {
      method: 'GET',
      path: '/local/outbox',
      handle: async ({ query }) => {
        const messages = localOutbox().messages.filter(
          (m) => !query.tenantId || m.tenantId === query.tenantId,
        );
        return { status: 200, body: { items: messages } };
      },
    },
    {
      method: 'GET',
      path: '/local/notifications/queue',
      handle: async () => ({
        status: 200,
        body: {
          stats: notificationQueue?.stats ?? null,
          sent: notificationQueue?.sent ?? [],
          deadLetters: notificationQueue?.deadLetters ?? [],
        },
      }),
    },
    {
      // Provider faults for the notifier: the next `failNext` sends fail for now (to `to` only, when given),
      // and the phones or addresses in `refuse` are refused for good, as a provider refuses an invalid number.
      method: 'POST',
      path: '/local/outbox/faults',
      handle: async ({ body }) => {
        const faults = (body ?? {}) as { failNext?: unknown; to?: unknown; refuse?: unknown };
        const failNext = faults.failNext ?? 0;
        const refuse = faults.refuse ?? [];
        if (
          typeof failNext !== 'number' ||
          !Number.isInteger(failNext) ||
          failNext < 0 ||
          (faults.to !== undefined && typeof faults.to !== 'string') ||
          !Array.isArray(refuse) ||
          !refuse.every((r) => typeof r === 'string')
        ) {
          return {
            status: 400,
            body: {
              error: {
                code: 'invalid_input',
                message: 'send { failNext?: a count, to?: a recipient, refuse?: [recipients] }',
                field: 'body',
              },
            },
          };
        }
        const outbox = localOutbox();
        outbox.failNext(failNext, faults.to as string | undefined);
        for (const to of refuse) outbox.refuse(to);
        return { status: 200, body: { failNext, refused: refuse } };
      },
    },
    {
      method: 'POST',
      path: '/local/outbox/flush',
      handle: async () => ({ status: 200, body: { published: await money.flushAlertOutbox() } }),
    },
    {
      method: 'POST',
      path: '/local/contact-records',
      handle: async ({ body }) => {
        const records = Array.isArray(body)
          ? body
          : body && typeof body === 'object' && Array.isArray((body as { records?: unknown }).records)
            ? (body as { records: unknown[] }).records
            : undefined;
        if (!records) {
          return {
            status: 400,
            body: {
              error: {
                code: 'invalid_input',
                message: 'send an array of contact records (objects or strings)',
                field: 'body',
              },
            },
          };
        }
        if (records.length > 10_000) {
          return {
            status: 413,
            body: { error: { code: 'payload_too_large', message: 'at most 10000 records per request' } },
          };
        }
        const report = await ingestContactRecords(records);
        return { status: 202, body: report };
      },
    },
    {
      method: 'GET',
      path: '/local/contact-records/failures',
      handle: async () => ({ status: 200, body: { items: (await contactStream()).failures } }),
    },
  ],
};
