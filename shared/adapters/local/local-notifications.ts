/**
 * The local messaging adapter (behind the local notifier, or installed directly as the notifications port by
 * tests of use cases): what SES and Aliyun SMS would have sent goes into an in-memory outbox,
 * shown at GET /local/outbox, rendered as the recipients would read it (the e-mail's subject and text in the
 * notification's language, each SMS behind its 【signature】), with the template id and parameters. Every
 * successful publish is kept, duplicates included, so tests can assert that an alert went out exactly once.
 * `failNext(n)` makes the next publishes fail (fault tests).
 */
import { isMainlandMobile } from '../../domain/notifications/channels.js';
import { DEFAULT_LANGUAGE, renderSms, renderTemplate } from '../../domain/notifications/templates.js';
import type {
  Notification,
  NotificationsPort,
  PublishResult,
  Recipients,
} from '../../ports/notifications.js';

/** The signature local SMS carry (a deployment's comes from its configuration). */
export const LOCAL_SMS_SIGN_NAME = '四零零热线';

export interface Delivery {
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
}

export interface OutboxMessage extends Notification {
  readonly messageId: string;
  readonly publishedAt: string;
  /** The e-mail's subject and text in the notification's language. */
  readonly subject: string;
  readonly text: string;
  readonly deliveries: readonly Delivery[];
  /** Phones outside the mainland, not texted. */
  readonly refused: readonly string[];
}

export interface LocalNotifications extends NotificationsPort {
  readonly messages: readonly OutboxMessage[];
  /** Messages for one tenant, oldest first. */
  sent(tenantId: string): readonly OutboxMessage[];
  /** Publish attempts, including failed and repeated ones. */
  readonly attempts: number;
  failNext(count: number): void;
  clear(): void;
}

export interface LocalNotificationsOptions {
  /** The tenant's alert contacts, for notifications that name no recipients. */
  readonly recipientsOf?: (tenantId: string) => Promise<Recipients>;
  /** When a message was "sent" (the runtime's test clock); absent, the notification's own time is unknown. */
  readonly now?: () => Date;
}

export function createLocalNotifications(options: LocalNotificationsOptions = {}): LocalNotifications {
  const messages: OutboxMessage[] = [];
  let failures = 0;
  let attempts = 0;
  return {
    get messages() {
      return messages;
    },
    get attempts() {
      return attempts;
    },
    sent: (tenantId) => messages.filter((m) => m.tenantId === tenantId),
    failNext(count) {
      failures = count;
    },
    clear() {
      messages.length = 0;
    },
    async publish(notification): Promise<PublishResult> {
      attempts++;
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('injected publish failure'), { name: 'InternalErrorException' });
      }
      const language = notification.language ?? DEFAULT_LANGUAGE;
      const { subject, body } = renderTemplate(notification.template, notification.params, language);
      const recipients =
        notification.recipients ?? (await options.recipientsOf?.(notification.tenantId)) ?? {};
      const phones = recipients.phones ?? [];
      const deliveries: Delivery[] = [
        ...(recipients.emails ?? []).map((to) => ({ channel: 'email' as const, to, subject, text: body })),
        ...phones.filter(isMainlandMobile).map((to) => ({
          channel: 'sms' as const,
          to,
          text: renderSms(LOCAL_SMS_SIGN_NAME, notification.template, notification.params, language),
        })),
      ];
      const message: OutboxMessage = {
        ...notification,
        language,
        messageId: crypto.randomUUID(),
        publishedAt: (options.now?.() ?? new Date(0)).toISOString(),
        subject,
        text: body,
        deliveries,
        refused: phones.filter((p) => !isMainlandMobile(p)),
      };
      messages.push(message);
      return {
        messageId: message.messageId,
        emails: deliveries.filter((d) => d.channel === 'email').length,
        sms: deliveries.filter((d) => d.channel === 'sms').length,
        refused: message.refused,
      };
    },
  };
}
