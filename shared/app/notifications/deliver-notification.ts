/**
 * Primary course: the notifier worker takes one message off the notifications queue and delivers its
 * notification through the messaging port (an SES e-mail to the addresses, an Aliyun SMS per mainland
 * mobile; the tenant's alert contacts when it names no recipients). Variations: phones outside the mainland
 * are refused, not texted (counted in the outcome); a send that failed for any recipient throws, so the queue
 * redelivers the message (at least once per recipient) and, after its receives, dead-letters it; a message
 * that is not a notification throws the same way and ends in the dead-letter queue for operators.
 */
import type { NotificationMessage, NotificationsPort } from '../../ports/notifications.js';

export interface DeliverNotificationDeps {
  /** The channels themselves (the `messaging` port), never the queue. */
  readonly messaging: NotificationsPort;
}

export interface DeliveryOutcome {
  readonly outcome: 'delivered';
  readonly tenantId: string;
  readonly template: string;
  readonly dedupeKey: string;
  readonly emails: number;
  readonly sms: number;
  /** Phones refused (outside the mainland): how many, never which (logs carry no phone numbers). */
  readonly refused: number;
}

export async function deliverNotification(
  deps: DeliverNotificationDeps,
  message: NotificationMessage,
): Promise<DeliveryOutcome> {
  const { notification } = message;
  const result = await deps.messaging.publish(notification);
  return {
    outcome: 'delivered',
    tenantId: notification.tenantId,
    template: notification.template,
    dedupeKey: notification.dedupeKey,
    emails: result.emails ?? 0,
    sms: result.sms ?? 0,
    refused: result.refused?.length ?? 0,
  };
}
