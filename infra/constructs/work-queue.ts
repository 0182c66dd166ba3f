/**
 * A work queue and its worker (infra/catalogue/work-queues.ts): an encrypted SQS queue redriving to an
 * alarmed dead-letter queue, an SQS event source on the worker (one message at a time unless the row says
 * otherwise, ReportBatchItemFailures, at most 2 concurrent workers so Connect's 2 requests/s per account is not
 * shared by more), and send rights for the senders and for a worker that backs off by sending its message
 * again, delayed.
 */
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WorkQueueRow } from '../catalogue/work-queues.js';
import { EncryptedQueue } from './encrypted-queue.js';
import type { HotlineFunction } from './hotline-function.js';
import type { OpsAlarms } from './ops-alarms.js';

/** The worker's event source: one message per invocation (unless the row sets a batch), two workers at most (SQS's minimum). */
export const WORK_QUEUE_EVENT_SOURCE = {
  batchSize: 1,
  reportBatchItemFailures: true,
  maxConcurrency: 2,
} as const;

export interface WorkQueueProps {
  readonly row: WorkQueueRow;
  readonly encryptionKey?: kms.IKey;
  readonly alarms: OpsAlarms;
  readonly worker: HotlineFunction;
  /** The worker's timeout: the queue's visibility timeout is six times it, as AWS advises. */
  readonly workerTimeout: Duration;
  readonly senders: readonly HotlineFunction[];
}

export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const { row } = props;
    this.deadLetters = new EncryptedQueue(this, 'DeadLetters', {
      encryptionKey: props.encryptionKey,
      purpose: `${row.purpose}, after ${row.maxReceiveCount} failed deliveries`,
    }).queue;
    this.queue = new EncryptedQueue(this, 'Pending', {
      encryptionKey: props.encryptionKey,
      purpose: row.purpose,
      deadLetters: { queue: this.deadLetters, maxReceiveCount: row.maxReceiveCount },
      visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * 6),
    }).queue;
    props.alarms.forQueueDepth(`${row.id}DeadLetters`, this.deadLetters, `${row.name} dead letters`);
    props.alarms.forQueueAge(
      `${row.id}Queue`,
      this.queue,
      Duration.minutes(row.maxAgeMinutes),
      `${row.name} queue`,
    );
    props.worker.function.addEventSource(
      new SqsEventSource(this.queue, { ...WORK_QUEUE_EVENT_SOURCE, batchSize: row.batchSize ?? 1 }),
    );
    const requeues = row.workerRequeues ?? true;
    for (const fn of [...(requeues ? [props.worker] : []), ...props.senders])
      fn.useQueue(row.env, this.queue);
  }
}
