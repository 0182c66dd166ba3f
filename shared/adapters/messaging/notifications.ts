/**
 * The messaging port in AWS (the notifier's): each delivery is its own send, an SES e-mail to one address or
 * an Aliyun SMS to one mainland mobile, all tried together; a send that fails is answered as failed, permanent
 * when its provider refused the recipient for good (each channel says which errors do), so the use case can
 * retry only what may still succeed.
 */
import type { Delivery, DeliveryResult, MessagingPort, Notification } from '../../ports/notifications.js';
import { AliyunSmsError } from './aliyun-sms.js';
import { sesRefusesRecipient } from './ses-email.js';

export interface Channels {
  readonly email?: { send(to: readonly string[], notification: Notification): Promise<string> };
  /** Absent: SMS is not configured in this deployment, and phones get nothing. */
  readonly sms?: { send(phone: string, notification: Notification): Promise<string> };
}

/** The provider's code for a failed send: Aliyun's response code, else the SDK error's name. */
const codeOf = (error: unknown): string =>
  error instanceof AliyunSmsError ? error.code : ((error as { name?: string } | undefined)?.name ?? 'Error');

const refusesRecipient = (delivery: Delivery, error: unknown): boolean =>
  delivery.channel === 'sms'
    ? error instanceof AliyunSmsError && error.permanent
    : sesRefusesRecipient(error);

export function createMessaging(channels: Channels): MessagingPort {
  const send = (delivery: Delivery, notification: Notification): Promise<string> => {
    if (delivery.channel === 'email' && channels.email)
      return channels.email.send([delivery.to], notification);
    if (delivery.channel === 'sms' && channels.sms) return channels.sms.send(delivery.to, notification);
    return Promise.reject(new Error(`channel ${delivery.channel} is not configured`));
  };
  return {
    channels: { email: channels.email !== undefined, sms: channels.sms !== undefined },
    deliver: (notification, deliveries) =>
      Promise.all(
        deliveries.map(async (delivery): Promise<DeliveryResult> => {
          try {
            return { status: 'sent', delivery, messageId: await send(delivery, notification) };
          } catch (error) {
            const permanent = refusesRecipient(delivery, error);
            return { status: 'failed', delivery, permanent, code: codeOf(error) };
          }
        }),
      ),
  };
}
