/**
 * Primary course: the notifier worker takes one message off the notifications queue and delivers its
 * notification through the messaging port (an SES e-mail to the addresses, an Aliyun SMS per mainland
 * mobile; the tenant's alert contacts when it names no recipients). Variations: phones outside the mainland
 * are refused, not texted (counted in the outcome); a send that failed for any recipient throws, so the queue
 * redelivers the message (at least once per recipient) and, after its receives, dead-letters it; a message
 * that is not a notification throws the same way and ends in the dead-letter queue for operators.
 */
import { invalid } from '../../domain/errors.js';
import { LANGUAGES, TEMPLATE_IDS } from '../../domain/notifications/templates.js';
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

const isStringRecord = (value: unknown): value is Record<string, string> =>
  !!value &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

const isStringList = (value: unknown): boolean =>
  value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

/** The queue's message body, checked: a known template and language, string parameters, a dedupe key. */
export function parseNotificationMessage(body: string): NotificationMessage {
  const parsed = JSON.parse(body) as Partial<NotificationMessage> | null;
  const n = parsed?.notification as Record<string, unknown> | undefined;
  const recipients = n?.recipients as Record<string, unknown> | undefined;
  if (
    parsed?.type !== 'notification.deliver' ||
    !n ||
    typeof n.tenantId !== 'string' ||
    typeof n.kind !== 'string' ||
    !(TEMPLATE_IDS as readonly unknown[]).includes(n.template) ||
    !isStringRecord(n.params) ||
    (n.language !== undefined && !(LANGUAGES as readonly unknown[]).includes(n.language)) ||
    typeof n.dedupeKey !== 'string' ||
    n.dedupeKey === '' ||
    (recipients !== undefined &&
      (typeof recipients !== 'object' ||
        !isStringList(recipients.emails) ||
        !isStringList(recipients.phones))) ||
    (n.attributes !== undefined && !isStringRecord(n.attributes))
  ) {
    throw invalid('invalid_message', 'not a notification message', 'body');
  }
  return parsed as NotificationMessage;
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
