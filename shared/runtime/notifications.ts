/**
 * The composition root of the notifier worker: queued notifications delivered through the messaging port
 * (SES and Aliyun SMS in AWS, the outbox locally), each recipient once, by the delivery records on the ops
 * table; recipients default to the tenant's alert contacts (the ledger's account item). A recipient refused
 * for good is logged as a warning and counted (NotifierUndeliverable, by channel): nobody retries it. The
 * recipients reached are counted too (NotifierSent, by channel), for the operators' dashboard.
 */
import { alertContacts } from '../adapters/dynamo/alert-contacts.js';
import { DynamoNotificationDeliveries } from '../adapters/dynamo/notification-deliveries.js';
import {
  type DeliveryOutcome,
  deliverNotification as deliverNotificationCase,
} from '../app/notifications/deliver-notification.js';
import { logger, MetricUnit, metrics } from '../observability.js';
import {
  CHANNELS,
  type Channel,
  NOTIFIER_SENT,
  NOTIFIER_UNDELIVERABLE,
  type NotificationMessage,
} from '../ports/notifications.js';
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

/**
 * The recipients this delivery reached: one NotifierSent per channel with sends, its value how many (exported
 * for the infra test that matches the dashboard to it).
 */
export function reportSent(outcome: DeliveryOutcome): void {
  const sent: Record<Channel, number> = { email: outcome.emails, sms: outcome.sms };
  for (const channel of CHANNELS) {
    if (sent[channel] === 0) continue;
    const metric = metrics.singleMetric();
    metric.addDimension(NOTIFIER_SENT.dimension, channel);
    metric.addMetric(NOTIFIER_SENT.metric, MetricUnit.Count, sent[channel]);
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
    reportSent(outcome);
    reportUndeliverable(outcome);
    return outcome;
  },
};
