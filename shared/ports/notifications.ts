/**
 * SNS behind a port: alerts (email/SMS subscriptions per tenant) and direct SMS. The SNS adapter publishes;
 * the local adapter appends to an outbox shown at GET /local/outbox.
 */
import type { NotificationKind } from '../domain/accounts/notification-kind.js';

export type { NotificationKind };

export interface Notification {
  readonly tenantId: string;
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly text: string;
  /** Stable per crossing or event: a retried publish with the same key is delivered once downstream. */
  readonly dedupeKey: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface NotificationsPort {
  publish(notification: Notification): Promise<{ messageId: string }>;
}
