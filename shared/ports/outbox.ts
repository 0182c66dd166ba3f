/**
 * The alert outbox: an alert is stored in the same transaction as the money movement that crossed a
 * threshold (so a crossing produces exactly one), published after the commit, and marked sent; a failed
 * publish stays pending for the next flush, unless the notifications port refused it for good: then it is
 * parked (off the pending list, with the reason) and never published.
 */
import type { Notification, PublishRefusal } from './notifications.js';

/**
 * The count of alerts parked because the notifications port refused them for good (Powertools, the service's
 * namespace and `service` dimension, no other dimension), from whichever function flushed them: what the
 * operators' alarm and dashboard read (infra/constructs/ops-alarms.ts, ops-dashboard.ts).
 */
export const ALERT_OUTBOX_PARKED_METRIC = 'AlertOutboxParked';

export interface AlertOutboxPort {
  /** Alerts still pending (oldest first), at most `limit`. */
  pending(limit: number): Promise<Notification[]>;
  /** Claims a pending alert for one publish until `untilMs`; false when sent, parked or claimed by another. */
  claim(alert: Notification, nowMs: number, untilMs: number): Promise<boolean>;
  markSent(alert: Notification, messageId: string, at: string): Promise<void>;
  /** Counts a failed publish and releases the claim, so the next flush retries it. */
  markAttempt(alert: Notification, at: string): Promise<void>;
  /**
   * Counts the publish refused for good and takes the alert off the pending list for good, with the refusal,
   * kept until `keepUntil` (epoch seconds; the table's expiry). A sent or parked alert stays as it is.
   */
  park(alert: Notification, refusal: PublishRefusal, at: string, keepUntil: number): Promise<void>;
}
