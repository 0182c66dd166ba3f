/**
 * Primary course: alerts committed with a money movement are published through the notifications port and
 * marked sent. Variations: another invocation holds the alert's claim (skipped); the publish fails for now
 * (the alert stays pending, its attempt counted, and the next flush retries it — never touching money); the
 * port refuses the alert for good (`invalid_message`: no try can get it through), so it is parked with the
 * refusal, reported, and never tried again.
 */
import { epochSecondsAfterDays } from '../../domain/calendar-date.js';
import type { Clock } from '../../ports/clock.js';
import {
  type Notification,
  type NotificationsPort,
  type PublishRefusal,
  publishRefusal,
} from '../../ports/notifications.js';
import type { AlertOutboxPort } from '../../ports/outbox.js';
import { UNDELIVERED_KEPT_DAYS } from '../../ports/undelivered-alerts.js';

export interface AlertDeps {
  readonly outbox: AlertOutboxPort;
  readonly notifications: NotificationsPort;
  readonly clock: Clock;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
  /** An alert parked as refused for good: the operators are told (a log and a metric, in the runtime). */
  readonly reportParked?: (alert: Notification, refusal: PublishRefusal) => void;
}

/** A claim lasts long enough for one publish; a claimer that died is replaced once it lapses. */
const CLAIM_MS = 60_000;

export async function publishAlerts(deps: AlertDeps, alerts: readonly Notification[]): Promise<number> {
  let sent = 0;
  for (const alert of alerts) {
    const nowMs = deps.clock.now().getTime();
    // Concurrent invocations flush the same pending alerts: only the one holding the claim publishes.
    if (!(await deps.outbox.claim(alert, nowMs, nowMs + CLAIM_MS))) continue;
    try {
      const { messageId } = await deps.notifications.publish(alert);
      await deps.outbox.markSent(alert, messageId, deps.clock.now().toISOString());
      sent++;
    } catch (error) {
      const at = deps.clock.now().toISOString();
      const refusal = publishRefusal(error);
      if (refusal) {
        // Parking that fails leaves the alert pending: once its claim lapses, a flush refuses and parks it.
        await deps.outbox.park(alert, refusal, at, epochSecondsAfterDays(at, UNDELIVERED_KEPT_DAYS)).then(
          () => deps.reportParked?.(alert, refusal),
          (parkError: unknown) =>
            deps.warn?.('parking a refused alert failed', { dedupeKey: alert.dedupeKey, error: parkError }),
        );
        continue;
      }
      deps.warn?.('alert publish failed; it stays in the outbox for a retry', {
        dedupeKey: alert.dedupeKey,
        error,
      });
      await deps.outbox.markAttempt(alert, at).catch(() => undefined);
    }
  }
  return sent;
}
