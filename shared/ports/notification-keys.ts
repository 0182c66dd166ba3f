/**
 * The bounds of what keys a notification's delivery records, and the sender's check of them before it
 * enqueues. Without zod or the template catalogue on purpose: every function that notifies carries this
 * check, and the message schema (./queue-messages.ts, which the notifier parses with, on the same bounds)
 * would add ~11 KB to each of their bundles (bench: bundle.apiHandlerMaxBytes and the small handlers).
 */
import { invalid } from '../domain/errors.js';
import { MAX_ADDRESS_BYTES } from '../domain/notifications/channels.js';
import type { Notification } from './notifications.js';

/** A string's length as DynamoDB counts key sizes: UTF-8 bytes (a lone surrogate is written as U+FFFD, 3). */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * How long what names a notification and its recipients may be, in UTF-8 bytes. The notifier keys each
 * recipient's delivery record by them (shared/adapters/dynamo/notification-deliveries.ts): partition key
 * `DELIVERY#<tenant id>#<template>#<dedupe key>`, at most 2,048 bytes in DynamoDB, and sort key
 * `<channel>#<recipient>`, at most 1,024. A message past them would fail on every receive and end in the
 * dead-letter queue, so the sender is refused instead (an `invalid_message` when it enqueues). The budget:
 *   partition: 9 (`DELIVERY#`) + 64 + 1 + 32 (the longest template id) + 1 + 512 = 619 ≤ 2,048;
 *   sort: 5 (`email`) + 1 + 254 = 260 ≤ 1,024 (a phone: 3 (`sms`) + 1 + 16 = 20).
 * Tenant ids are [A-Za-z0-9_-]{1,64}; an address is at most 254 octets (RFC 5321); a phone is E.164, at most
 * `+` and 15 digits. The dedupe key's 512 leaves its other keys room too (the alert outbox's
 * `OUTBOX#<dedupe key>`, and its index sort key `<instant>#<dedupe key>`: 25 + 512 ≤ 1,024); today's senders'
 * keys are ids, versions and dates, under 150 bytes.
 */
export const NOTIFICATION_KEY_BYTES = {
  tenantId: 64,
  dedupeKey: 512,
  email: MAX_ADDRESS_BYTES,
  phone: 16,
} as const;

/** The first key field of a notification past its bound, named as the schema names it, and why. */
export function notificationKeyProblem(notification: Notification): string | undefined {
  const over = (text: string, max: number) =>
    utf8Bytes(text) > max ? `is over ${max} UTF-8 bytes` : undefined;
  const { tenantId, dedupeKey, recipients } = notification;
  const problems: [string, string | undefined][] = [
    ['tenantId', over(tenantId, NOTIFICATION_KEY_BYTES.tenantId)],
    ['dedupeKey', dedupeKey === '' ? 'is empty' : over(dedupeKey, NOTIFICATION_KEY_BYTES.dedupeKey)],
    ...(recipients?.emails ?? []).map((email, i): [string, string | undefined] => [
      `recipients.emails.${i}`,
      over(email, NOTIFICATION_KEY_BYTES.email),
    ]),
    ...(recipients?.phones ?? []).map((phone, i): [string, string | undefined] => [
      `recipients.phones.${i}`,
      over(phone, NOTIFICATION_KEY_BYTES.phone),
    ]),
  ];
  const found = problems.find(([, problem]) => problem !== undefined);
  return found && `notification.${found[0]}: ${found[1]}`;
}

/**
 * The sender's check, before it enqueues: a notification whose keys the notifier could not record is an
 * `invalid_message` now, to the caller (as the notifier would refuse it), instead of a message that fails
 * every receive.
 */
export function requireNotificationKeysFit(notification: Notification): void {
  const problem = notificationKeyProblem(notification);
  if (problem) throw invalid('invalid_message', `not a notification message: ${problem}`, 'body');
}
