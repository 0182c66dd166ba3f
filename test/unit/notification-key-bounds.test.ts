/**
 * The notification message's length bounds (NOTIFICATION_KEY_BYTES): every message the schema accepts gives
 * delivery-record keys DynamoDB takes (partition key ≤ 2,048 UTF-8 bytes, sort key ≤ 1,024), multi-byte
 * characters included, and a message past them is refused by its sender, before anything is queued, as an
 * `invalid_message` naming the field; the notifier refuses the same body on receipt. Alert e-mails, which
 * alerts name as recipients, are taken only within the address bound.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { deliveryItem } from '../../shared/adapters/dynamo/notification-deliveries.js';
import { queuedNotifications } from '../../shared/adapters/messaging/queued-notifications.js';
import { TEMPLATE_IDS } from '../../shared/domain/notifications/templates.js';
import { alertsBody } from '../../shared/http/schemas/money.js';
import type { DeliveryRecord } from '../../shared/ports/notification-deliveries.js';
import { requireNotificationKeysFit } from '../../shared/ports/notification-keys.js';
import type { Notification, NotificationMessage } from '../../shared/ports/notifications.js';
import {
  checkNotificationMessage,
  NOTIFICATION_KEY_BYTES,
  parseNotificationMessage,
  utf8Bytes,
} from '../../shared/ports/queue-messages.js';

/** DynamoDB's key size limits, in UTF-8 bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

const AT = '2026-11-26T04:00:00.000Z';

const base: Notification = {
  tenantId: 'acme',
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  params: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32' },
  dedupeKey: 'spend_cap_reached#acme#2026-11-26',
};

/** The delivery records' keys the notifier would write for each named recipient. */
function keysOf(notification: Notification): { pk: string; sk: string }[] {
  const record = (delivery: DeliveryRecord['delivery']): DeliveryRecord => ({
    delivery,
    state: 'delivered',
    at: AT,
    detail: 'm-1',
  });
  return [
    ...(notification.recipients?.emails ?? []).map((to) => ({ channel: 'email' as const, to })),
    ...(notification.recipients?.phones ?? []).map((to) => ({ channel: 'sms' as const, to })),
  ].map((delivery) => {
    const { pk, sk } = deliveryItem(notification, record(delivery));
    return { pk, sk };
  });
}

const accepts = (notification: Notification) => {
  try {
    checkNotificationMessage({ type: 'notification.deliver', notification });
    return true;
  } catch {
    return false;
  }
};

/** Text of 1-, 2-, 3- and 4-byte characters (😀 is a surrogate pair), and any code point, lone surrogates too. */
const text = (maxLength: number, minLength = 0) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('a', '#', 'é', '上', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength,
    maxLength,
    // The whole length range, not fast-check's default small sizes: the bounds are hundreds of bytes away.
    size: 'max',
  });

describe('the notification message bounds', () => {
  it('accepts exactly the messages whose fields are within their bounds, and their keys always fit DynamoDB', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        text(40, 1),
        fc.constantFrom(...TEMPLATE_IDS),
        text(260, 1),
        fc.array(text(120), { maxLength: 3 }),
        fc.array(text(8), { maxLength: 2 }),
        (tenantId, template, dedupeKey, emails, phones) => {
          const notification: Notification = {
            ...base,
            tenantId,
            template,
            dedupeKey,
            recipients: { emails, phones },
          };
          const within =
            utf8Bytes(tenantId) <= NOTIFICATION_KEY_BYTES.tenantId &&
            utf8Bytes(dedupeKey) <= NOTIFICATION_KEY_BYTES.dedupeKey &&
            emails.every((e) => utf8Bytes(e) <= NOTIFICATION_KEY_BYTES.email) &&
            phones.every((p) => utf8Bytes(p) <= NOTIFICATION_KEY_BYTES.phone);
          expect(accepts(notification)).toBe(within);
          if (!within) return;
          accepted += 1;
          for (const { pk, sk } of keysOf(notification)) {
            expect(utf8Bytes(pk)).toBeLessThanOrEqual(MAX_PARTITION_KEY_BYTES);
            expect(utf8Bytes(sk)).toBeLessThanOrEqual(MAX_SORT_KEY_BYTES);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both sides of the bounds were tried (about one message in five is accepted).
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(280);
  });

  it('gives the longest accepted message keys of 619 and 260 bytes, within 2,048 and 1,024', () => {
    expect(NOTIFICATION_KEY_BYTES).toEqual({ tenantId: 64, dedupeKey: 512, email: 254, phone: 16 });
    const longestTemplate = TEMPLATE_IDS.reduce((a, b) => (b.length > a.length ? b : a));
    expect(longestTemplate).toBe('transfer_qualification_withdrawn');
    const longest: Notification = {
      ...base,
      tenantId: 't'.repeat(64),
      template: longestTemplate,
      // 128 four-byte characters: 512 bytes (256 UTF-16 units).
      dedupeKey: '😀'.repeat(128),
      // 84 three-byte characters and 2 ASCII: 254 bytes.
      recipients: { emails: [`${'上'.repeat(84)}@x`], phones: ['+861391234567890'] },
    };
    expect(accepts(longest)).toBe(true);
    // DELIVERY# (9) + 64 + # + 32 + # + 512 = 619; email# (6) + 254 = 260; sms# (4) + 16 = 20.
    expect(keysOf(longest).map(({ pk, sk }) => [utf8Bytes(pk), utf8Bytes(sk)])).toEqual([
      [619, 260],
      [619, 20],
    ]);
    // One byte more in any field is refused.
    expect(accepts({ ...longest, tenantId: 't'.repeat(65) })).toBe(false);
    expect(accepts({ ...longest, dedupeKey: `${'😀'.repeat(128)}a` })).toBe(false);
    expect(accepts({ ...longest, recipients: { emails: [`${'上'.repeat(84)}@xy`] } })).toBe(false);
    expect(accepts({ ...longest, recipients: { phones: ['+8613912345678901'] } })).toBe(false);
  });

  it('refuses an over-long dedupe key at the sender, before queueing, and the notifier refuses the same body', async () => {
    const sent: NotificationMessage[] = [];
    const notifications = queuedNotifications(async () => ({
      send: async (message: NotificationMessage) => {
        sent.push(message);
      },
    }));
    const tooLong = { ...base, dedupeKey: `${'上'.repeat(170)}abc` }; // 510 + 3 = 513 bytes
    const error = {
      code: 'invalid_message',
      kind: 'validation',
      field: 'body',
      message: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
    };
    await expect(notifications.publish(tooLong)).rejects.toMatchObject(error);
    expect(sent).toEqual([]);
    expect(() =>
      parseNotificationMessage(JSON.stringify({ type: 'notification.deliver', notification: tooLong })),
    ).toThrow(expect.objectContaining(error));

    // 512 bytes is the bound itself: queued as it is.
    const atBound = { ...base, dedupeKey: `${'上'.repeat(170)}ab` };
    await expect(notifications.publish(atBound)).resolves.toEqual({
      messageId: `queued:${atBound.dedupeKey}`,
    });
    expect(sent).toEqual([{ type: 'notification.deliver', notification: atBound }]);
  });

  it("refuses at the sender exactly what the notifier's schema refuses, with the same error", () => {
    // The sender checks the key bounds without zod (it rides in every notifying function's bundle); this
    // keeps it the schema's twin: the same verdict and the same message on any notification.
    const verdict = (check: () => unknown) => {
      try {
        check();
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    let refused = 0;
    fc.assert(
      fc.property(
        text(40),
        text(260),
        fc.array(text(120), { maxLength: 3 }),
        fc.array(text(8), { maxLength: 2 }),
        (tenantId, dedupeKey, emails, phones) => {
          const notification: Notification = { ...base, tenantId, dedupeKey, recipients: { emails, phones } };
          const sender = verdict(() => requireNotificationKeysFit(notification));
          expect(sender).toBe(
            verdict(() => checkNotificationMessage({ type: 'notification.deliver', notification })),
          );
          if (sender !== 'accepted') refused += 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(20);
  });

  it('names the field at fault: an empty dedupe key, a tenant id, an address', () => {
    const refusal = (notification: Notification) => () =>
      checkNotificationMessage({ type: 'notification.deliver', notification });
    expect(refusal({ ...base, dedupeKey: '' })).toThrow(
      'not a notification message: notification.dedupeKey: is empty',
    );
    expect(refusal({ ...base, tenantId: 'é'.repeat(33) })).toThrow(
      'not a notification message: notification.tenantId: is over 64 UTF-8 bytes',
    );
    expect(
      refusal({ ...base, recipients: { emails: ['ops@acme.example.cn', `${'a'.repeat(250)}@x.cn`] } }),
    ).toThrow('not a notification message: notification.recipients.emails.1: is over 254 UTF-8 bytes');
  });

  it('takes as alert e-mails (PUT /v1/account/alerts) only addresses a notification can name: 254 characters', () => {
    // 64 + @ + 186 + .cn: 254 characters (e-mail addresses here are ASCII: one byte each).
    const longest = `${'a'.repeat(64)}@${'b'.repeat(186)}.cn`;
    expect(longest).toHaveLength(NOTIFICATION_KEY_BYTES.email);
    expect(z.safeParse(alertsBody, { emails: [longest] }).success).toBe(true);
    expect(z.safeParse(alertsBody, { emails: [`${'a'.repeat(64)}@${'b'.repeat(187)}.cn`] }).success).toBe(
      false,
    );
    expect(accepts({ ...base, recipients: { emails: [longest] } })).toBe(true);
  });
});
