/**
 * The notifier's delivery records: for each notification, which recipients it reached and which refused it
 * for good, so a redelivered message (SQS at least once, a partial batch failure, a DLQ redrive) or a
 * re-enqueued one (a sender's retry carries the same dedupe key) is sent only to the recipients still
 * waiting. A notification is known by its tenant, template and dedupe key, never by the queue's message id,
 * which a re-enqueue changes. Records expire well after any redelivery can happen (the adapter's TTL).
 */
import type { Delivery, Notification } from './notifications.js';

/** Which notification: the dedupe key within its tenant and template. */
export type NotificationRef = Pick<Notification, 'tenantId' | 'template' | 'dedupeKey'>;

/**
 * What a record keeps of its notification: its key, and what it was about (kind and figures), so a refused
 * recipient can be listed as an undelivered alert (./undelivered-alerts.ts).
 */
export type RecordedNotification = NotificationRef & Pick<Notification, 'kind' | 'params'>;

/** `delivered`: the provider accepted it; `refused`: the provider refused this recipient for good. */
export type DeliveryState = 'delivered' | 'refused';

export interface DeliveryRecord {
  readonly delivery: Delivery;
  readonly state: DeliveryState;
  /** When it was settled (ISO instant). */
  readonly at: string;
  /** The provider's message id (delivered) or error code (refused). */
  readonly detail: string;
}

export interface NotificationDeliveries {
  /** The notification's settled deliveries that have not expired at `now` (ISO instant). */
  settled(notification: NotificationRef, now: string): Promise<readonly DeliveryRecord[]>;
  /**
   * Records one settled delivery; recording the same delivery again changes nothing. A refused one is also an
   * undelivered alert, listed for the tenant and the operators and kept UNDELIVERED_KEPT_DAYS.
   */
  record(notification: RecordedNotification, record: DeliveryRecord): Promise<void>;
}

/** A delivery's identity within its notification (channel and recipient). */
export const deliveryId = (delivery: Delivery): string => `${delivery.channel}#${delivery.to}`;
