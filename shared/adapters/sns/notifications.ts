/**
 * The SNS notifications adapter. Alerts go to the alerts topic with a `tenantId` message attribute (the
 * tenant's email/SMS subscriptions filter on it) and `kind`; phone numbers the tenant listed for alerts
 * also get the text as a direct SMS. Registered as the AWS factory of the `notifications` port.
 *
 * A direct SMS is a Publish with no topic, which IAM can only allow on Resource "*" with no condition on
 * the number; so one function alone holds that permission: the alert-outbox job (DIRECT_SMS=on). Elsewhere
 * an alert that would text phones is refused before anything is published, stays in the outbox, and the
 * job sends all of it, topic and texts, within its 5-minute schedule: delayed, never duplicated or lost.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { optionalEnv, requireEnv } from '../../config.js';
import type { Notification, NotificationsPort } from '../../ports/notifications.js';

/** SMS bodies are kept short: long texts are split and billed per part. */
const SMS_MAX = 300;

export const DIRECT_SMS_ENV = 'DIRECT_SMS';

export class DirectSmsNotAllowed extends Error {
  override readonly name = 'DirectSmsNotAllowed';
}

export function createSnsNotifications(
  client: SNSClient,
  topicArn: string,
  options: { directSms: boolean } = { directSms: true },
): NotificationsPort {
  return {
    async publish(notification: Notification) {
      const phones = (notification.attributes?.phones ?? '').split(',').filter((p) => /^\+\d{6,15}$/.test(p));
      if (phones.length > 0 && !options.directSms) {
        throw new DirectSmsNotAllowed(
          'alerts that text phones are sent by the alert-outbox job, the one function allowed direct SMS',
        );
      }
      const out = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: notification.subject.slice(0, 99),
          Message: notification.text,
          MessageAttributes: {
            tenantId: { DataType: 'String', StringValue: notification.tenantId },
            kind: { DataType: 'String', StringValue: notification.kind },
            dedupeKey: { DataType: 'String', StringValue: notification.dedupeKey },
          },
        }),
      );
      for (const phone of phones) {
        await client.send(
          new PublishCommand({
            PhoneNumber: phone,
            Message: `${notification.subject}: ${notification.text}`.slice(0, SMS_MAX),
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            },
          }),
        );
      }
      return { messageId: out.MessageId ?? notification.dedupeKey };
    },
  };
}

/** The notifications port in Lambda, built by the composition root (shared/runtime/ports.ts). */
export function createSnsNotificationsFromEnv(): NotificationsPort {
  return createSnsNotifications(new SNSClient({ maxAttempts: 4 }), requireEnv('ALERTS_TOPIC_ARN'), {
    directSms: optionalEnv(DIRECT_SMS_ENV, 'off') === 'on',
  });
}
