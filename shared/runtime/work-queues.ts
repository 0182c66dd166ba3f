/**
 * The work queues between a request (or a worker backing off) and its worker Lambda: SQS in AWS, from the
 * queue URL infra gives the senders and the worker (infra/catalogue/work-queues.ts), built once per process
 * on first use; the local runtime and tests install in-process ones with `useWorkQueue`.
 */
import { requireEnv } from '../config.js';
import type { WorkQueue } from '../ports/work-queue.js';

/** The environment variable holding each queue's URL. */
export const WORK_QUEUE_ENV = {
  numberActivations: 'NUMBER_ACTIVATIONS_QUEUE_URL',
  routingApply: 'ROUTING_APPLY_QUEUE_URL',
  notifications: 'NOTIFICATIONS_QUEUE_URL',
} as const;

export type WorkQueueName = keyof typeof WORK_QUEUE_ENV;

const installed = new Map<WorkQueueName, WorkQueue<unknown>>();
const built = new Map<WorkQueueName, Promise<WorkQueue<unknown>>>();

/** Install a queue (the local runtime, tests); undefined goes back to SQS. */
export function useWorkQueue(name: WorkQueueName, queue: WorkQueue<unknown> | undefined): void {
  if (queue) installed.set(name, queue);
  else installed.delete(name);
  built.delete(name);
}

export function workQueue<M>(name: WorkQueueName): Promise<WorkQueue<M>> {
  const queue = installed.get(name);
  if (queue) return Promise.resolve(queue as WorkQueue<M>);
  let building = built.get(name);
  if (!building) {
    // A literal read the bundler folds: functions no work queue names leave the SQS adapter out (infra/bundling.ts).
    building =
      process.env.HOTLINE_PORT_WORKQUEUES !== 'false'
        ? Promise.all([import('@aws-sdk/client-sqs'), import('../adapters/sqs/work-queue.js')]).then(
            ([{ SQSClient }, { sqsWorkQueue }]) =>
              sqsWorkQueue(new SQSClient({}), requireEnv(WORK_QUEUE_ENV[name])),
          )
        : Promise.reject(new Error(`work queue ${name} is not bundled: name this function in its row`));
    // A failed build (a missing variable) is not kept: the next send tries again.
    building.catch(() => built.delete(name));
    built.set(name, building);
  }
  return building as Promise<WorkQueue<M>>;
}
