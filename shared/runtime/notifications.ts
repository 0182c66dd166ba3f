/**
 * The composition root of the notifier worker: queued notifications delivered through the messaging port
 * (SES and Aliyun SMS in AWS, the outbox locally), each recipient once, by the delivery records on the ops
 * table; recipients default to the tenant's alert contacts (the ledger's account item). A recipient refused
 * for good is logged as a warning and counted (NotifierUndeliverable, by channel): nobody retries it.
 */
import { alertContacts } from '../adapters/dynamo/alert-contacts.js';
import { DynamoNotificationDeliveries } from '../adapters/dynamo/notification-deliveries.js';
import {
  type DeliveryOutcome,
  deliverNotification as deliverNotificationCase,
} from '../app/notifications/deliver-notification.js';
import { logger, MetricUnit, metrics } from '../observability.js';
import { NOTIFIER_UNDELIVERABLE, type NotificationMessage } from '../ports/notifications.js';
import { port } from './ports.js';

const deliveries = new DynamoNotificationDeliveries();

/**
 * Each refusal for good: a warning (channel and code, never the recipient) and a metric, which the
 * NotifierUndeliverable alarms watch (exported for the infra test that matches them).
 */
export function reportUndeliverable(outcome: DeliveryOutcome): void {
  for (const { channel, code } of outcome.undeliverable) {
    logger.warn('Notifier: a recipient refused the notification for good; it is not retried', {
      tenantId: outcome.tenantId,
      template: outcome.template,
      dedupeKey: outcome.dedupeKey,
      channel,
      code,
    });
    const metric = metrics.singleMetric();
    metric.addDimension(NOTIFIER_UNDELIVERABLE.dimension, channel);
    metric.addMetric(NOTIFIER_UNDELIVERABLE.metric, MetricUnit.Count, 1);
  }
}

export const notifier = {
  /** The notifier worker's use case (functions/jobs/notifier.ts), at the clock's instant. */
  deliverNotification: async (message: NotificationMessage, at: string) => {
    const outcome = await deliverNotificationCase(
      { messaging: await port('messaging'), deliveries, alertContacts },
      message,
      at,
    );
    reportUndeliverable(outcome);
    return outcome;
  },
};
