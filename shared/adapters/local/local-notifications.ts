/**
 * The local messaging adapter (the messaging port behind the notifier, on `npm start` and in tests): what SES
 * and Aliyun SMS were asked to send goes into an in-memory outbox, shown at GET /local/outbox, rendered as the
 * recipients would read it (the e-mail's subject and text in the notification's language, each SMS behind its
 * 【signature】), with the template id and parameters. It sends to the deliveries it is given and no others:
 * who receives a notification, on which channel, is the notifier's to decide
 * (shared/app/notifications/deliver-notification.ts). Every delivery that sent something (or had nobody to
 * reach) is kept as one message, duplicates included, so tests can assert that an alert went out exactly once.
 * `failNext(n)` makes the next deliveries fail for now (fault tests), to one recipient only when named;
 * `refuse(to)` makes a recipient refused for good, as a provider refuses an invalid number.
 */
import { DEFAULT_LANGUAGE, renderSms, renderTemplate } from '../../domain/notifications/templates.js';
import type {
  DeliveryResult,
  MessagingPort,
  Notification,
  Delivery as Recipient,
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
}

export interface LocalNotifications extends MessagingPort {
  readonly messages: readonly OutboxMessage[];
  /** Messages for one tenant, oldest first. */
  sent(tenantId: string): readonly OutboxMessage[];
  /** Delivery attempts, including failed and repeated ones. */
  readonly attempts: number;
  /** The next `count` deliveries fail for now (only the sends to `to`, when given). */
  failNext(count: number, to?: string): void;
  /** Sends to `to` fail for good from now on (Aliyun's isv.MOBILE_NUMBER_ILLEGAL, SES's MessageRejected). */
  refuse(to: string): void;
  clear(): void;
}

export interface LocalNotificationsOptions {
  /** When a message was "sent" (the runtime's test clock); absent, the notification's own time is unknown. */
  readonly now?: () => Date;
}

export function createLocalNotifications(options: LocalNotificationsOptions = {}): LocalNotifications {
  const messages: OutboxMessage[] = [];
  const refused = new Set<string>();
  let failures = 0;
  let failing: string | undefined;
  let attempts = 0;

  /** Keeps what the recipients would read, as one outbox message. */
  function keep(notification: Notification, to: readonly Recipient[]) {
    const language = notification.language ?? DEFAULT_LANGUAGE;
    const { subject, body } = renderTemplate(notification.template, notification.params, language);
    const sms = renderSms(LOCAL_SMS_SIGN_NAME, notification.template, notification.params, language);
    const message: OutboxMessage = {
      ...notification,
      language,
      messageId: crypto.randomUUID(),
      publishedAt: (options.now?.() ?? new Date(0)).toISOString(),
      subject,
      text: body,
      deliveries: to.map((d) =>
        d.channel === 'email'
          ? { channel: 'email', to: d.to, subject, text: body }
          : { channel: 'sms', to: d.to, text: sms },
      ),
    };
    messages.push(message);
    return message;
  }

  /** Whether this attempt fails for now: whole (no recipient named) or for the named recipient. */
  function failsNow(to?: string): boolean {
    if (failures <= 0 || (failing !== undefined && failing !== to)) return false;
    failures--;
    return true;
  }

  return {
    get messages() {
      return messages;
    },
    get attempts() {
      return attempts;
    },
    channels: { email: true, sms: true },
    sent: (tenantId) => messages.filter((m) => m.tenantId === tenantId),
    failNext(count, to) {
      failures = count;
      failing = to;
    },
    refuse(to) {
      refused.add(to);
    },
    clear() {
      messages.length = 0;
    },
    async deliver(notification, deliveries): Promise<DeliveryResult[]> {
      attempts++;
      const whole = failsNow();
      const results = deliveries.map((delivery): DeliveryResult => {
        if (whole || failsNow(delivery.to))
          return { status: 'failed', delivery, permanent: false, code: 'InternalErrorException' };
        if (refused.has(delivery.to)) {
          const code = delivery.channel === 'sms' ? 'isv.MOBILE_NUMBER_ILLEGAL' : 'MessageRejected';
          return { status: 'failed', delivery, permanent: true, code };
        }
        return { status: 'sent', delivery, messageId: '' };
      });
      const sent = results.filter((r) => r.status === 'sent').map((r) => r.delivery);
      // Nothing went out, unless there was nobody to reach: that notification is shown with no deliveries.
      if (sent.length === 0 && deliveries.length > 0) return results;
      const { messageId } = keep(notification, sent);
      return results.map((r) => (r.status === 'sent' ? { ...r, messageId } : r));
    },
  };
}
