/**
 * Primary course: alerts committed with a money movement are published through the notifications port and
 * marked sent. Variations: another invocation holds the alert's claim (skipped); the publish fails (the
 * alert stays pending, its attempt counted, and the next flush retries it — never touching money).
 */
import type { Clock } from '../../ports/clock.js';
import type { Notification, NotificationsPort } from '../../ports/notifications.js';
import type { AlertOutboxPort } from '../../ports/outbox.js';

export interface AlertDeps {
  readonly outbox: AlertOutboxPort;
  readonly notifications: NotificationsPort;
  readonly clock: Clock;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
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
      deps.warn?.('alert publish failed; it stays in the outbox for a retry', {
        dedupeKey: alert.dedupeKey,
        error,
      });
      await deps.outbox.markAttempt(alert, deps.clock.now().toISOString()).catch(() => undefined);
    }
  }
  return sent;
}
