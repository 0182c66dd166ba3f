/**
 * Notifications to tenants behind a port, as templates (shared/domain/notifications/templates.ts): a template
 * id and its parameters, in a language (zh-CN by default). In AWS the adapter renders an e-mail per address
 * (SES) and sends each mainland mobile an SMS through Aliyun (signature and template code from configuration);
 * locally it renders into an outbox shown at GET /local/outbox. Operations alarms use the SNS ops topic, not
 * this port.
 *
 * Two ports share this interface. `notifications`, what use cases call, hands the notification to the
 * notifications work queue (a NotificationMessage) and answers once it is durably queued; `messaging`, used by
 * the notifier worker alone, delivers it through the channels. So API handlers and jobs carry no SES or Aliyun
 * code, and the decision to notify (once per crossing, per effect) stays in the use case.
 *
 * Delivery is at least once per recipient: a delivery that failed for any recipient throws, and the queue
 * redelivers the message, which sends to every recipient again; a hand-over that failed throws to the caller,
 * whose retry (the alert outbox, the number-effects job) hands it over again. Neither SES nor Aliyun SMS
 * deduplicates; the `dedupeKey` travels with each message (the SMS OutId, an e-mail tag) so a duplicate can be
 * recognised in delivery receipts.
 */
import type { NotificationKind } from '../domain/accounts/notification-kind.js';
import type { Language, TemplateId } from '../domain/notifications/templates.js';

export type { Language, NotificationKind, TemplateId };

export interface Recipients {
  readonly emails?: readonly string[];
  /** E.164; only mainland mobiles (+86 1…) are texted. */
  readonly phones?: readonly string[];
}

export interface Notification {
  readonly tenantId: string;
  readonly kind: NotificationKind;
  readonly template: TemplateId;
  readonly params: Readonly<Record<string, string>>;
  /** @default 'zh-CN' */
  readonly language?: Language;
  /** Stable per crossing or event: a retried publish carries the same key. */
  readonly dedupeKey: string;
  /** Who receives it; absent: the tenant's alert contacts (the account's alert e-mails and phones). */
  readonly recipients?: Recipients;
  /** Context for logs and the outbox (number, month…); never sent. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** What became of one publish, per channel: messages accepted by the provider, and phones refused. */
export interface PublishResult {
  readonly messageId: string;
  readonly emails?: number;
  readonly sms?: number;
  /** Phones outside the mainland: not texted (alerts are mainland-only). */
  readonly refused?: readonly string[];
}

export interface NotificationsPort {
  publish(notification: Notification): Promise<PublishResult>;
}

/** The notifications work queue's message: the notification as the use case decided it. */
export interface NotificationMessage {
  readonly type: 'notification.deliver';
  readonly notification: Notification;
}
