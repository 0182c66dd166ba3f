/**
 * Notifications to tenants behind a port, as templates (shared/domain/notifications/templates.ts): a template
 * id and its parameters, in a language (zh-CN by default). In AWS the adapter renders an e-mail per address
 * (SES) and sends each mainland mobile an SMS through Aliyun (signature and template code from configuration);
 * locally it renders into an outbox shown at GET /local/outbox. Operations alarms use the SNS ops topic, not
 * this port.
 *
 * Two ports. `notifications` (NotificationsPort), what use cases call, hands the notification to the
 * notifications work queue (a NotificationMessage) and answers once it is durably queued; `messaging`
 * (MessagingPort), used by the notifier worker alone, delivers it through the channels, one recipient at a
 * time. So API handlers and jobs carry no SES or Aliyun code, and the decision to notify (once per crossing,
 * per effect) stays in the use case.
 *
 * Delivery is once per recipient but for one edge (shared/app/notifications/deliver-notification.ts): the
 * notifier records each recipient it delivered to (NotificationDeliveries, keyed by the notification's
 * tenant, template and dedupe key), so a redelivered or re-enqueued message goes only to the recipients still
 * waiting; a hand-over that failed throws to the caller, whose retry (the alert outbox, the number-effects job)
 * hands it over again. Neither SES nor Aliyun SMS deduplicates; the `dedupeKey` travels with each message (the
 * SMS OutId, an e-mail tag) so a duplicate can be recognised in delivery receipts.
 */
import type { NotificationKind } from '../domain/accounts/notification-kind.js';
import { DomainError } from '../domain/errors.js';
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
  /**
   * Hands the notification over. Throws a validation DomainError (`invalid_message`) when it can never be
   * handed over, however often it is tried (see publishRefusal); any other throw is worth another try.
   */
  publish(notification: Notification): Promise<PublishResult>;
}

/** A publish refused for good: the error's code and message (they name a field, never a recipient). */
export interface PublishRefusal {
  readonly code: string;
  readonly message: string;
}

/**
 * The refusal, when a publish failed for good: the port's validation error (`invalid_message`: a notification
 * whose keys its delivery records could not hold, ./notification-keys.ts, or one too large for the queue).
 * Undefined for any other failure (the queue unreachable or throttled), which another try may get through.
 */
export function publishRefusal(error: unknown): PublishRefusal | undefined {
  return error instanceof DomainError && error.kind === 'validation'
    ? { code: error.code, message: error.message }
    : undefined;
}

/** How a recipient is reached: an e-mail (SES) or an SMS to a mainland mobile (Aliyun). */
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The notifier's count of recipients refused for good (Powertools, the service's namespace and `service`
 * dimension), one data point per refusal with the dimension `channel`: what the operators' alarms watch
 * (infra/constructs/ops-alarms.ts), so both sides name it alike.
 */
export const NOTIFIER_UNDELIVERABLE = { metric: 'NotifierUndeliverable', dimension: 'channel' } as const;

/**
 * The notifier's count of recipients reached (the delivery records it writes as delivered), per channel:
 * one data point per channel with sends in a delivery, its value the sends. Read by the operators' dashboard.
 */
export const NOTIFIER_SENT = { metric: 'NotifierSent', dimension: 'channel' } as const;

/** The notifier's name as a queue worker: its outcome and failure metrics carry it (workerMetrics). */
export const NOTIFIER_WORKER = 'Notifier';

/** One recipient on one channel: an e-mail address, or a mainland mobile in E.164. */
export interface Delivery {
  readonly channel: Channel;
  readonly to: string;
}

/**
 * What became of one delivery: sent (the provider's message id), or failed. A failure is `permanent` when the
 * provider refused this recipient for good (an invalid number or address): trying again cannot help. Any other
 * failure (throttling, 5xx, timeouts, a configuration the operators must fix) is worth another try.
 */
export type DeliveryResult =
  | { readonly status: 'sent'; readonly delivery: Delivery; readonly messageId: string }
  | {
      readonly status: 'failed';
      readonly delivery: Delivery;
      readonly permanent: boolean;
      /** The provider's error code or name (never the recipient: it is logged). */
      readonly code: string;
    };

/**
 * The channels themselves, for the notifier alone (SES and Aliyun in AWS, the outbox locally): one send per
 * recipient, so each recipient's delivery stands on its own.
 */
export interface MessagingPort {
  /** The channels this deployment sends on (SMS needs its signature and template codes). */
  readonly channels: Readonly<Record<Channel, boolean>>;
  /**
   * Sends the notification to each delivery on its own (one failing stops none of the others); never throws.
   * No deliveries: a notification with nobody to reach (nothing is sent; the local outbox still shows it).
   */
  deliver(notification: Notification, deliveries: readonly Delivery[]): Promise<readonly DeliveryResult[]>;
}

/** The notifications work queue's message: the notification as the use case decided it. */
export interface NotificationMessage {
  readonly type: 'notification.deliver';
  readonly notification: Notification;
}
