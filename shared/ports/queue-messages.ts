/**
 * The work queues' messages: what senders write and what the workers check on receipt (zod schemas through
 * parseQueueMessage). A message that fails its schema is an `invalid_message`: the worker fails it and,
 * after its receives, it lands in the queue's dead-letter queue for operators. The notifications sender checks
 * its message against the same schema before it enqueues (checkNotificationMessage).
 */
import * as z from 'zod/mini';
import { MAX_ADDRESS_BYTES } from '../domain/notifications/channels.js';
import {
  LANGUAGES,
  type Language,
  TEMPLATE_IDS,
  type TemplateId,
} from '../domain/notifications/templates.js';
import type { NotificationMessage } from './notifications.js';
import { checkQueueMessage, parseQueueMessage } from './work-queue.js';

/** One activation queue message: which number, which generation of its activation. */
export interface ActivationMessage {
  readonly type: 'number.activate';
  readonly number: string;
  readonly applicationId: string;
  readonly generation: number;
}

/** One routing apply queue message: which number, which job. */
export interface RoutingApplyMessage {
  readonly type: 'routing.apply';
  readonly number: string;
  readonly jobId: string;
}

const activationMessage = z.object({
  type: z.literal('number.activate'),
  number: z.string(),
  applicationId: z.string(),
  generation: z.int().check(z.nonnegative()),
});

const routingApplyMessage = z.object({
  type: z.literal('routing.apply'),
  number: z.string(),
  jobId: z.string(),
});

/** A string's length as DynamoDB counts key sizes: UTF-8 bytes (a lone surrogate is written as U+FFFD, 3). */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * How long what names a notification and its recipients may be, in UTF-8 bytes. The notifier keys each
 * recipient's delivery record by them (shared/adapters/dynamo/notification-deliveries.ts): partition key
 * `DELIVERY#<tenant id>#<template>#<dedupe key>`, at most 2,048 bytes in DynamoDB, and sort key
 * `<channel>#<recipient>`, at most 1,024. A message past them would fail on every receive and end in the
 * dead-letter queue, so the sender is refused instead (an `invalid_message` when it enqueues). The budget:
 *   partition: 9 (`DELIVERY#`) + 64 + 1 + 31 (the longest template id) + 1 + 512 = 618 ≤ 2,048;
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

const withinBytes = (max: number) =>
  z.string().check(z.refine((text) => utf8Bytes(text) <= max, `is over ${max} UTF-8 bytes`));

const strings = z.record(z.string(), z.string());
const notificationMessage = z.object({
  type: z.literal('notification.deliver'),
  notification: z.object({
    tenantId: withinBytes(NOTIFICATION_KEY_BYTES.tenantId),
    kind: z.string(),
    template: z.enum(TEMPLATE_IDS as [TemplateId, ...TemplateId[]]),
    params: strings,
    language: z.optional(z.enum(LANGUAGES as [Language, ...Language[]])),
    dedupeKey: withinBytes(NOTIFICATION_KEY_BYTES.dedupeKey).check(z.minLength(1, 'is empty')),
    recipients: z.optional(
      z.object({
        emails: z.optional(z.array(withinBytes(NOTIFICATION_KEY_BYTES.email))),
        phones: z.optional(z.array(withinBytes(NOTIFICATION_KEY_BYTES.phone))),
      }),
    ),
    attributes: z.optional(strings),
  }),
});

export const parseActivationMessage = (body: string): ActivationMessage =>
  parseQueueMessage(activationMessage, body, 'a number activation message');

export const parseRoutingApplyMessage = (body: string): RoutingApplyMessage =>
  parseQueueMessage(routingApplyMessage, body, 'a routing apply message');

/** A known template and language, string parameters, a dedupe key, all within NOTIFICATION_KEY_BYTES. */
export const parseNotificationMessage = (body: string): NotificationMessage =>
  // The kind is a label for logs and the outbox: any string a use case wrote is kept as it is.
  parseQueueMessage(notificationMessage, body, 'a notification message') as NotificationMessage;

/**
 * The sender's check, before it enqueues: a message the notifier would refuse (parseNotificationMessage) is
 * an `invalid_message` now, to the caller, e.g. `not a notification message: notification.dedupeKey: is over
 * 512 UTF-8 bytes`, instead of a message that fails every receive.
 */
export const checkNotificationMessage = (message: NotificationMessage): NotificationMessage =>
  checkQueueMessage(notificationMessage, message, 'a notification message') as NotificationMessage;
