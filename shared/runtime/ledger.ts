/**
 * The ledger as every area posts to it (fees, credits, charges): the DynamoDB ledger store with the clock
 * in force, the business zone, the refusal point's rate of the tariff in force (so postings alert where
 * call setup refuses), and committed alerts published through the outbox and the notifications port. Its own module so the numbers and billing roots get the ledger without the calls area's stores.
 */
import { DynamoAlertOutbox } from '../adapters/dynamo/account-alerts.js';
import { LedgerStore } from '../adapters/dynamo/ledger-store.js';
import { type AlertDeps, publishAlerts } from '../app/accounts/publish-alerts.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../config.js';
import { logger, MetricUnit, metrics } from '../observability.js';
import type { Clock } from '../ports/clock.js';
import type { Notification, NotificationsPort, PublishRefusal } from '../ports/notifications.js';
import { ALERT_OUTBOX_PARKED_METRIC } from '../ports/outbox.js';
import { clock, port } from './ports.js';
import { refusalRateAt } from './tariffs.js';

/** The clock in force at each call (the local runtime may install a test clock after start-up). */
export const currentClock: Clock = { now: () => clock().now() };

/** The business time zone: local days of spend, caps and reports. */
export const businessZone = () => optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);

export const warn = (message: string, details: Record<string, unknown>) =>
  logger.warn(message, { ...details, error: details.error as Error });

const notifications: NotificationsPort = {
  publish: async (n) => (await port('notifications')).publish(n),
};
/**
 * An alert parked as refused for good: an error log (tenant, kind, dedupe key and the refusal, which names a
 * field, never a recipient) and one AlertOutboxParked, which the operators' alarm watches (exported for the
 * infra test that matches them).
 */
export function reportParkedAlert(alert: Notification, refusal: PublishRefusal): void {
  logger.error('Alert outbox: the notifications port refused an alert for good; it is parked, not retried', {
    tenantId: alert.tenantId,
    kind: alert.kind,
    dedupeKey: alert.dedupeKey,
    refusalCode: refusal.code,
    refusal: refusal.message,
  });
  metrics.singleMetric().addMetric(ALERT_OUTBOX_PARKED_METRIC, MetricUnit.Count, 1);
}

/** The outbox and notifications committed alerts go through (also what the outbox job flushes). */
export const alertDeps: AlertDeps = {
  outbox: new DynamoAlertOutbox(),
  notifications,
  clock: currentClock,
  warn,
  reportParked: reportParkedAlert,
};

/** Publishes alerts committed with a money movement (the ledger's posters call this after a commit). */
export const publish = (alerts: readonly Notification[]) => publishAlerts(alertDeps, alerts);

let ledgerInstance: LedgerStore | undefined;

/** The ledger (a LedgerPort): other areas post fees and credits through it. */
export function ledger(): LedgerStore {
  ledgerInstance ??= new LedgerStore({
    zone: businessZone(),
    clock: currentClock,
    publishAlerts: publish,
    refusalRateAt,
  });
  return ledgerInstance;
}
