/**
 * The alert outbox: an alert is stored in the same transaction as the money movement that crossed a
 * threshold (so a crossing produces exactly one), published after the commit, and marked sent; a failed
 * publish stays pending for the next flush.
 */
import type { Notification } from './notifications.js';

export interface AlertOutboxPort {
  /** Alerts still pending (oldest first), at most `limit`. */
  pending(limit: number): Promise<Notification[]>;
  /** Claims a pending alert for one publish until `untilMs`; false when sent or claimed by another. */
  claim(alert: Notification, nowMs: number, untilMs: number): Promise<boolean>;
  markSent(alert: Notification, messageId: string, at: string): Promise<void>;
  /** Counts a failed publish and releases the claim, so the next flush retries it. */
  markAttempt(alert: Notification, at: string): Promise<void>;
}
