/**
 * The notifications port as use cases outside the notifier get it: a publish hands the notification to the
 * notifications work queue (one message each) and answers once it is queued; the notifier worker delivers it
 * (shared/app/notifications/deliver-notification.ts). A send that fails throws, so the caller's own retry
 * (the alert outbox, the number-effects job) hands it over again. Nothing is delivered here, so the functions
 * that notify carry no SES or Aliyun code and need no sending rights. A message the notifier would refuse (a
 * dedupe key too long for its delivery records' keys, say) is refused here, before it is queued: an
 * `invalid_message` to the caller rather than a message that fails every receive. So is one the queue refuses
 * as too large: no retry would make it fit.
 */

import { invalid } from '../../domain/errors.js';
import { requireNotificationKeysFit } from '../../ports/notification-keys.js';
import type {
  Notification,
  NotificationMessage,
  NotificationsPort,
  PublishResult,
} from '../../ports/notifications.js';
import { MessageTooLargeError, type WorkQueue } from '../../ports/work-queue.js';

export function queuedNotifications(queue: () => Promise<WorkQueue<NotificationMessage>>): NotificationsPort {
  return {
    async publish(notification: Notification): Promise<PublishResult> {
      requireNotificationKeysFit(notification);
      const message: NotificationMessage = { type: 'notification.deliver', notification };
      try {
        await (await queue()).send(message);
      } catch (error) {
        if (error instanceof MessageTooLargeError)
          throw invalid('invalid_message', `not a notification message: ${error.message}`, 'body');
        throw error;
      }
      // Queued, not yet delivered: how many e-mails and SMS went out is the notifier's to say.
      return { messageId: `queued:${notification.dedupeKey}` };
    },
  };
}
