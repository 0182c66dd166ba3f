/**
 * The work queues' messages: what senders write and what the workers check on receipt (zod schemas through
 * parseQueueMessage). A message that fails its schema is an `invalid_message`: the worker fails it and,
 * after its receives, it lands in the queue's dead-letter queue for operators. The notifications sender checks
 * the same key bounds before it enqueues (./notification-keys.ts, without zod or the template catalogue).
 */
import * as z from 'zod/mini';
import {
  LANGUAGES,
  type Language,
  TEMPLATE_IDS,
  type TemplateId,
} from '../domain/notifications/templates.js';
import { NOTIFICATION_KEY_BYTES, utf8Bytes } from './notification-keys.js';
import type { NotificationMessage } from './notifications.js';
import { checkQueueMessage, parseQueueMessage } from './work-queue.js';

export { NOTIFICATION_KEY_BYTES, utf8Bytes };

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
 * A message object checked against the schema the notifier parses with: an `invalid_message` naming the
 * first field at fault, e.g. `not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes`.
 */
export const checkNotificationMessage = (message: NotificationMessage): NotificationMessage =>
  checkQueueMessage(notificationMessage, message, 'a notification message') as NotificationMessage;
