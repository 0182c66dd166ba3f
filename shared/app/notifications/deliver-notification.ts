/**
 * Primary course: the notifier worker takes one message off the notifications queue, works out who receives
 * it (the recipients it names, or the tenant's alert contacts), leaves out those its delivery records say are
 * settled, sends to the others through the messaging port (one send per e-mail address and per mainland
 * mobile) and records each delivery as it settles. Variations:
 *   - phones outside the mainland, and every phone where SMS is not configured, are refused, not texted
 *     (counted), as are addresses longer than SMTP carries (an alert contact stored before they were bounded);
 *     addresses where e-mail is not configured get nothing;
 *   - a recipient the provider refused for good (an invalid number or address) is recorded as refused and
 *     never tried again; the outcome `undeliverable` names the channel and code (never the recipient), which
 *     the worker logs and counts;
 *   - a recipient whose send failed for now (throttling, 5xx, timeouts, a configuration to fix) is not
 *     recorded: once the others are settled the use case throws, the queue redelivers the message, and the
 *     redelivery sends to the unsettled recipients only; after its receives the message is dead-lettered, and
 *     a redrive still skips the settled ones;
 *   - every recipient already settled (a duplicate or re-enqueued message): nothing is sent;
 *   - nobody to reach (no alert contacts, only refused phones): the messaging port still gets the notification,
 *     with no deliveries (it sends nothing; the local outbox shows what the tenant would have been told);
 *   - a message that is not a notification throws the same way and ends in the dead-letter queue.
 * At least once remains at one edge: a crash (or a failed record) after a send and before its record sends to
 * that recipient again on redelivery, as do two copies of one message handled at the same moment (SQS's rare
 * duplicate receive). Recording before sending would make that edge a lost alert instead.
 */
import { isMainlandMobile, isSendableAddress } from '../../domain/notifications/channels.js';
import {
  type DeliveryRecord,
  deliveryId,
  type NotificationDeliveries,
} from '../../ports/notification-deliveries.js';
import type {
  Channel,
  Delivery,
  DeliveryResult,
  MessagingPort,
  NotificationMessage,
  Recipients,
} from '../../ports/notifications.js';

export interface DeliverNotificationDeps {
  /** The channels themselves (the `messaging` port), never the queue. */
  readonly messaging: MessagingPort;
  /** Which recipients each notification already reached (or that refused it for good). */
  readonly deliveries: NotificationDeliveries;
  /** The tenant's alert contacts, for a notification that names no recipients. */
  readonly alertContacts: (tenantId: string) => Promise<Recipients>;
}

/** A recipient the provider refused for good: how, never who (logs carry no phone numbers or addresses). */
export interface Undeliverable {
  readonly channel: Channel;
  readonly code: string;
}

export interface DeliveryOutcome {
  /**
   * `delivered`: every recipient is settled and none refused it this time; `already_delivered`: every
   * recipient was settled before (nothing sent); `undeliverable`: some recipient refused it for good;
   * `no_recipients`: there was nobody to reach.
   */
  readonly outcome: 'delivered' | 'already_delivered' | 'undeliverable' | 'no_recipients';
  readonly tenantId: string;
  readonly template: string;
  readonly dedupeKey: string;
  /** E-mails and SMS sent by this delivery. */
  readonly emails: number;
  readonly sms: number;
  /** Recipients settled by an earlier delivery of the same notification, not sent again. */
  readonly skipped: number;
  /**
   * Recipients refused: phones outside the mainland or where SMS is not configured, and addresses too long to
   * send to. How many, never which.
   */
  readonly refused: number;
  readonly undeliverable: readonly Undeliverable[];
}

/** Some recipients' sends failed for now: the message is redelivered, to them alone. */
export class DeliveryUnfinishedError extends Error {
  override readonly name = 'DeliveryUnfinishedError';
  constructor(
    readonly dedupeKey: string,
    /** The failed sends' channels and codes (never the recipients). */
    readonly failures: readonly Undeliverable[],
  ) {
    super(
      `notification ${dedupeKey}: ${failures.length} send(s) failed for now (${failures.map((f) => `${f.channel} ${f.code}`).join(', ')})`,
    );
  }
}

export async function deliverNotification(
  deps: DeliverNotificationDeps,
  message: NotificationMessage,
  at: string,
): Promise<DeliveryOutcome> {
  const { notification } = message;
  const recipients = notification.recipients ?? (await deps.alertContacts(notification.tenantId));
  const { deliveries, refused } = deliveriesTo(recipients, deps.messaging.channels);
  const settled = new Set(
    (await deps.deliveries.settled(notification, at)).map((r) => deliveryId(r.delivery)),
  );
  const pending = deliveries.filter((d) => !settled.has(deliveryId(d)));
  const nobody = deliveries.length === 0;
  const results = pending.length > 0 || nobody ? await deps.messaging.deliver(notification, pending) : [];
  await Promise.all(
    results.flatMap((result) => {
      const record = settledRecord(result, at);
      return record ? [deps.deliveries.record(notification, record)] : [];
    }),
  );
  const failedFor = (permanent: boolean) =>
    results.flatMap((r) =>
      r.status === 'failed' && r.permanent === permanent
        ? [{ channel: r.delivery.channel, code: r.code }]
        : [],
    );
  const retrying = failedFor(false);
  if (retrying.length > 0) throw new DeliveryUnfinishedError(notification.dedupeKey, retrying);
  const undeliverable = failedFor(true);
  const sent = (channel: Channel) =>
    results.filter((r) => r.status === 'sent' && r.delivery.channel === channel).length;
  return {
    outcome: nobody
      ? 'no_recipients'
      : undeliverable.length > 0
        ? 'undeliverable'
        : pending.length === 0
          ? 'already_delivered'
          : 'delivered',
    tenantId: notification.tenantId,
    template: notification.template,
    dedupeKey: notification.dedupeKey,
    emails: sent('email'),
    sms: sent('sms'),
    skipped: deliveries.length - pending.length,
    refused,
    undeliverable,
  };
}

/**
 * One delivery per distinct address and texted phone; the phones that cannot be texted and the addresses too
 * long to send to (their delivery records' keys would be past DynamoDB's), counted.
 */
function deliveriesTo(
  recipients: Recipients,
  channels: Readonly<Record<Channel, boolean>>,
): { deliveries: Delivery[]; refused: number } {
  const addresses = channels.email ? (recipients.emails ?? []) : [];
  const emails = addresses.filter(isSendableAddress);
  const phones = recipients.phones ?? [];
  const texted = channels.sms ? phones.filter(isMainlandMobile) : [];
  const unique = new Map<string, Delivery>();
  for (const delivery of [
    ...emails.map((to): Delivery => ({ channel: 'email', to })),
    ...texted.map((to): Delivery => ({ channel: 'sms', to })),
  ])
    unique.set(deliveryId(delivery), delivery);
  return {
    deliveries: [...unique.values()],
    refused: phones.length - texted.length + addresses.length - emails.length,
  };
}

/** What a result settles: a send, or a refusal for good; a failure for now settles nothing. */
function settledRecord(result: DeliveryResult, at: string): DeliveryRecord | undefined {
  if (result.status === 'sent')
    return { delivery: result.delivery, state: 'delivered', at, detail: result.messageId };
  if (result.permanent) return { delivery: result.delivery, state: 'refused', at, detail: result.code };
  return undefined;
}
