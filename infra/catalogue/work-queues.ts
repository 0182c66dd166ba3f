/**
 * Work queues between a request and the worker that does the slow part (Connect's asynchronous claims,
 * routing applies paced under Connect's 2 requests/s, e-mail and SMS delivery): each an encrypted SQS queue
 * with a redrive policy to an alarmed dead-letter queue, consumed by its worker row through an SQS event
 * source with ReportBatchItemFailures. Senders get the queue URL in `env` and sqs:SendMessage; the worker too
 * when it backs off by sending its message again with a delay. The local runtime delivers to the same
 * handlers in-process.
 */
import type { Capability } from '../../shared/http/routes.js';
import { WORK_QUEUE_ENV, type WorkQueueName } from '../../shared/runtime/work-queues.js';

export interface WorkQueueRow {
  /** Construct id of the queue (renaming replaces it). */
  readonly id: string;
  readonly name: WorkQueueName;
  /** The variable holding its URL (shared/runtime/work-queues.ts). */
  readonly env: string;
  /** The function row (infra/catalogue/*) that consumes it. */
  readonly worker: string;
  /** Route, function or job ids that send to it (besides the worker). */
  readonly senders: readonly string[];
  /** Every row granted this capability sends to it too. */
  readonly senderCapability?: Capability;
  /**
   * Whether the worker sends to its own queue (backing off with a delayed message), so it needs send rights.
   * @default true
   */
  readonly workerRequeues?: boolean;
  /**
   * Messages per invocation.
   * @default 1
   */
  readonly batchSize?: number;
  readonly purpose: string;
  /** Receives before a message is dead-lettered (a throw; back-offs are new messages and do not count). */
  readonly maxReceiveCount: number;
  /** Oldest message age that alarms (back-offs wait up to 15 minutes). */
  readonly maxAgeMinutes: number;
}

export const WORK_QUEUES: readonly WorkQueueRow[] = [
  {
    id: 'NumberActivations',
    name: 'numberActivations',
    env: WORK_QUEUE_ENV.numberActivations,
    worker: 'numberActivationWorker',
    // The approval's start_activation effect runs in the decision route, or in the number-effects job on retry.
    senders: ['decideApplication', 'numberEffects'],
    purpose: 'approved numbers waiting for their access number claim in Connect',
    maxReceiveCount: 5,
    maxAgeMinutes: 30,
  },
  {
    id: 'RoutingApply',
    name: 'routingApply',
    env: WORK_QUEUE_ENV.routingApply,
    worker: 'routingApplyWorker',
    senders: ['applyRouting'],
    purpose: 'routing applies waiting for (or backing off from) Amazon Connect',
    maxReceiveCount: 5,
    maxAgeMinutes: 30,
  },
  {
    id: 'Notifications',
    name: 'notifications',
    env: WORK_QUEUE_ENV.notifications,
    worker: 'notifier',
    senders: [],
    senderCapability: 'notifications',
    purpose: 'tenant notifications waiting for delivery by SES e-mail and Aliyun SMS',
    workerRequeues: false,
    // Two workers at 10 messages a batch, one after another: about 10 notifications/s, under SES's default
    // sending rate of 14/s.
    batchSize: 10,
    // A redelivery waits the visibility timeout (12 minutes): 10 receives ride out a provider outage of ~2 h.
    maxReceiveCount: 10,
    // A monthly run's statements (one per tenant) drain in minutes; older than this, the notifier is stuck.
    maxAgeMinutes: 30,
  },
];
