/**
 * The SNS notifications adapter. Alerts go to the alerts topic with a `tenantId` message attribute (the
 * tenant's email/SMS subscriptions filter on it) and `kind`; phone numbers the tenant listed for alerts
 * also get the text as a direct SMS. Registered as the AWS factory of the `notifications` port.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { requireEnv } from '../../config.js';
import type { Notification, NotificationsPort } from '../../ports/notifications.js';

/** SMS bodies are kept short: long texts are split and billed per part. */
const SMS_MAX = 300;

export function createSnsNotifications(client: SNSClient, topicArn: string): NotificationsPort {
  return {
    async publish(notification: Notification) {
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
      const phones = (notification.attributes?.phones ?? '').split(',').filter((p) => /^\+\d{6,15}$/.test(p));
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
  return createSnsNotifications(new SNSClient({ maxAttempts: 4 }), requireEnv('ALERTS_TOPIC_ARN'));
}
