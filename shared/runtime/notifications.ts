/**
 * The composition root of the notifier worker: queued notifications delivered through the messaging port
 * (SES and Aliyun SMS in AWS, the outbox locally), each recipient once, by the delivery records on the ops
 * table; recipients default to the tenant's alert contacts (the ledger's account item).
 */
import { alertContacts } from '../adapters/dynamo/alert-contacts.js';
import { DynamoNotificationDeliveries } from '../adapters/dynamo/notification-deliveries.js';
import { deliverNotification as deliverNotificationCase } from '../app/notifications/deliver-notification.js';
import type { NotificationMessage } from '../ports/notifications.js';
import { port } from './ports.js';

const deliveries = new DynamoNotificationDeliveries();

export const notifier = {
  /** The notifier worker's use case (functions/jobs/notifier.ts), at the clock's instant. */
  deliverNotification: async (message: NotificationMessage, at: string) =>
    deliverNotificationCase({ messaging: await port('messaging'), deliveries, alertContacts }, message, at),
};
