/**
 * The messaging port in AWS (the notifier's): each notification is rendered per channel and sent to its
 * recipients (or, naming none, the tenant's alert contacts): one SES e-mail to the addresses, one Aliyun SMS
 * per mainland mobile; other phones are refused (reported, not sent). Every recipient is tried; if any send
 * failed the publish throws, so the notifications queue redelivers the message (at least once per recipient:
 * SMS providers do not deduplicate).
 */
import { isMainlandMobile } from '../../domain/notifications/channels.js';
import type {
  Notification,
  NotificationsPort,
  PublishResult,
  Recipients,
} from '../../ports/notifications.js';

export interface Channels {
  readonly email?: { send(to: readonly string[], notification: Notification): Promise<string> };
  /** Absent: SMS is not configured in this deployment, and phones get nothing. */
  readonly sms?: { send(phone: string, notification: Notification): Promise<string> };
  readonly recipientsOf: (tenantId: string) => Promise<Recipients>;
}

export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
  constructor(
    readonly dedupeKey: string,
    readonly failures: readonly unknown[],
  ) {
    super(`notification ${dedupeKey}: ${failures.length} send(s) failed`);
  }
}

export function createMessagingNotifications(channels: Channels): NotificationsPort {
  return {
    async publish(notification): Promise<PublishResult> {
      const recipients = notification.recipients ?? (await channels.recipientsOf(notification.tenantId));
      const emails = recipients.emails ?? [];
      const phones = recipients.phones ?? [];
      const texted = channels.sms ? phones.filter(isMainlandMobile) : [];
      const refused = phones.filter((p) => !texted.includes(p));
      const sends: Promise<string>[] = [];
      if (emails.length > 0 && channels.email) sends.push(channels.email.send(emails, notification));
      for (const phone of texted) if (channels.sms) sends.push(channels.sms.send(phone, notification));
      const results = await Promise.allSettled(sends);
      const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
      if (failures.length > 0) throw new PublishFailedError(notification.dedupeKey, failures);
      const ids = results.map((r) => (r.status === 'fulfilled' ? r.value : ''));
      return {
        messageId: ids[0] ?? notification.dedupeKey,
        emails: emails.length > 0 && channels.email ? emails.length : 0,
        sms: texted.length,
        refused,
      };
    },
  };
}
