/**
 * Notifier (SQS, NOTIFICATIONS_QUEUE_URL): delivers the notifications every other function hands over, by
 * SES e-mail and Aliyun SMS (shared/app/notifications/deliver-notification.ts). The only function holding the
 * messaging adapters and their rights. A record whose delivery failed for some recipient is redelivered (to the
 * recipients not yet reached: the delivery records on the ops table), then dead-lettered.
 */
import { NOTIFIER_WORKER } from '../../shared/ports/notifications.js';
import { parseNotificationMessage } from '../../shared/ports/queue-messages.js';
import { notifier } from '../../shared/runtime/notifications.js';
import { queueWorker } from '../../shared/runtime/queue-worker.js';

export const handler = queueWorker(NOTIFIER_WORKER, parseNotificationMessage, notifier.deliverNotification);
