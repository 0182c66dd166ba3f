/**
 * The composition root of the notifier worker: queued notifications delivered through the messaging port
 * (SES and Aliyun SMS in AWS, the outbox locally).
 */
import { deliverNotification as deliverNotificationCase } from '../app/notifications/deliver-notification.js';
import type { NotificationMessage } from '../ports/notifications.js';
import { port } from './ports.js';

export const notifier = {
  /** The notifier worker's use case (functions/jobs/notifier.ts). */
  deliverNotification: async (message: NotificationMessage) =>
    deliverNotificationCase({ messaging: await port('messaging') }, message),
};
