/**
 * Integration tests: notifications take production's path, as on `npm start`. Use cases hand them to the
 * notifications queue (the queued notifications port); the queue's worker is the notifier's own handler
 * (functions/jobs/notifier.ts), which works out who receives each one (the recipients it names, or the
 * tenant's alert contacts, mainland mobiles alone texted) and delivers it through the local messaging adapter.
 * The in-process queue drains as it is sent to, so once a use case returns, `outbox` holds what each tenant was
 * told, on which channel, and `queue.sent` what was handed over. `failNextHandOver(n)` makes the next hand-overs
 * fail (the queue unreachable): the caller's own retry (the alert outbox, the number-effects job) is what brings
 * the notification through. Provider faults are the outbox's own (`outbox.failNext`, `outbox.refuse`).
 */
import type { Context } from 'aws-lambda';
import { handler as notifierHandler } from '../../functions/jobs/notifier.js';
import { WORK_QUEUES } from '../../infra/catalogue/work-queues.js';
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
  type QueueWorkerHandler,
} from '../../shared/adapters/local/in-process-work-queue.js';
import {
  createLocalNotifications,
  type LocalNotifications,
} from '../../shared/adapters/local/local-notifications.js';
import { queuedNotifications } from '../../shared/adapters/messaging/queued-notifications.js';
import type { NotificationMessage } from '../../shared/ports/notifications.js';
import type { WorkQueue } from '../../shared/ports/work-queue.js';
import { clock, usePorts } from '../../shared/runtime/ports.js';
import { useWorkQueue } from '../../shared/runtime/work-queues.js';

export interface LocalNotifier {
  /** What the providers were asked to send, per tenant (`sent`), rendered as the recipients read it. */
  readonly outbox: LocalNotifications;
  /** What was handed to the notifier: every message sent, and the dead-lettered ones. */
  readonly queue: InProcessWorkQueue<NotificationMessage>;
  /** The next `count` hand-overs to the queue fail (the publish throws), before anything is queued. */
  failNextHandOver(count: number): void;
}

/** Installs the notifications port, the notifications queue and the notifier's messaging port. */
export function useLocalNotifier(): LocalNotifier {
  const outbox = createLocalNotifications({ now: () => clock().now() });
  const maxReceives = WORK_QUEUES.find((q) => q.name === 'notifications')?.maxReceiveCount;
  const queue = inProcessWorkQueue<NotificationMessage>(
    'notifications',
    async () => notifierHandler as QueueWorkerHandler,
    {} as Context,
    { maxReceives },
  );
  let failures = 0;
  const handOver: WorkQueue<NotificationMessage> = {
    async send(message, options) {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('injected hand-over failure'), { name: 'ServiceUnavailable' });
      }
      await queue.send(message, options);
    },
  };
  useWorkQueue('notifications', handOver as WorkQueue<unknown>);
  usePorts({ notifications: queuedNotifications(async () => handOver), messaging: outbox });
  return {
    outbox,
    queue,
    failNextHandOver(count) {
      failures = count;
    },
  };
}
