/**
 * The notifier's delivery records on the embedded engine: one item per (notification, channel, recipient) on
 * the ops table, written once (a conditional Put: a second record of the same delivery changes nothing), with
 * an expiry in epoch seconds computed from the instant it settled, and read back per notification, expired
 * ones left out. Then the notifier's handler over them and the local outbox: a message whose SMS failed for
 * now is redelivered to the phone alone.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/jobs/notifier.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import {
  DELIVERY_RECORD_DAYS,
  DynamoNotificationDeliveries,
} from '../../shared/adapters/dynamo/notification-deliveries.js';
import { createLocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { RecordedNotification } from '../../shared/ports/notification-deliveries.js';
import type { Notification } from '../../shared/ports/notifications.js';
import {
  checkNotificationMessage,
  NOTIFICATION_KEY_BYTES,
  utf8Bytes,
} from '../../shared/ports/queue-messages.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { TABLES } from '../../shared/tables.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db.stop();
});
afterEach(() => resetPorts());

const AT = '2026-11-26T04:00:00.000Z';
// 2026-11-26 is day 20,783 after 1970-01-01 (56 years with 14 leap days: 20,454; + 329 days of 2026):
// 20,783 × 86,400 + 4 × 3,600 = 1,795,665,600; kept 30 days: + 2,592,000 = 1,798,257,600 (2026-12-26T04:00Z).
const EXPIRES_AT = 1_798_257_600;

const ref: RecordedNotification = {
  tenantId: 'acme',
  template: 'spend_cap_reached',
  dedupeKey: 'spend_cap_reached#acme#2026-11-26',
  kind: 'spend_cap_reached',
  params: { cap: '¥20.00' },
};
const email = { channel: 'email', to: 'ops@acme.example.cn' } as const;
const phone = { channel: 'sms', to: '+8613912345678' } as const;

describe('delivery records on the ops table', () => {
  const records = new DynamoNotificationDeliveries();

  it('keeps each delivery once, with its expiry in epoch seconds from the instant it settled', async () => {
    expect(DELIVERY_RECORD_DAYS).toBe(30);
    expect(TABLES.ops.ttlAttribute).toBe('expiresAt');
    await records.record(ref, { delivery: email, state: 'delivered', at: AT, detail: 'ses-1' });
    await records.record(ref, {
      delivery: phone,
      state: 'refused',
      at: AT,
      detail: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    // A parallel delivery recording the same e-mail later: the condition keeps the first record.
    await records.record(ref, {
      delivery: email,
      state: 'delivered',
      at: '2026-11-26T04:12:00.000Z',
      detail: 'ses-2',
    });
    const item = await dynamo().send(
      new GetCommand({
        TableName: process.env.TABLE_OPS,
        Key: {
          pk: 'DELIVERY#acme#spend_cap_reached#spend_cap_reached#acme#2026-11-26',
          sk: 'email#ops@acme.example.cn',
        },
      }),
    );
    expect(item.Item).toEqual({
      pk: 'DELIVERY#acme#spend_cap_reached#spend_cap_reached#acme#2026-11-26',
      sk: 'email#ops@acme.example.cn',
      type: 'notification-delivery',
      channel: 'email',
      to: 'ops@acme.example.cn',
      state: 'delivered',
      at: AT,
      detail: 'ses-1',
      expiresAt: EXPIRES_AT,
    });
    expect(await records.settled(ref, '2026-11-26T04:12:00.000Z')).toEqual([
      { delivery: email, state: 'delivered', at: AT, detail: 'ses-1' },
      { delivery: phone, state: 'refused', at: AT, detail: 'isv.MOBILE_NUMBER_ILLEGAL' },
    ]);
  });

  it("reads one notification's records only, and none once they expired (DynamoDB deletes them lazily)", async () => {
    expect(await records.settled({ ...ref, tenantId: 'globex' }, AT)).toEqual([]);
    expect(await records.settled({ ...ref, template: 'low_balance' }, AT)).toEqual([]);
    expect(await records.settled({ ...ref, dedupeKey: 'spend_cap_reached#acme' }, AT)).toEqual([]);
    // One second before 2026-12-26T04:00:00Z both are still there; at that instant the delivered one has
    // expired. The refused one is an undelivered alert, kept 90 days: until 2027-02-24T04:00:00Z.
    expect(await records.settled(ref, '2026-12-26T03:59:59.000Z')).toHaveLength(2);
    expect(await records.settled(ref, '2026-12-26T04:00:00.000Z')).toEqual([
      { delivery: phone, state: 'refused', at: AT, detail: 'isv.MOBILE_NUMBER_ILLEGAL' },
    ]);
    expect(await records.settled(ref, '2027-02-24T03:59:59.000Z')).toHaveLength(1);
    expect(await records.settled(ref, '2027-02-24T04:00:00.000Z')).toEqual([]);
  });
});

describe('delivery records at the message bounds', () => {
  it('keeps and reads back the records of the longest message the schema accepts (multi-byte keys)', async () => {
    const records = new DynamoNotificationDeliveries();
    const longest: RecordedNotification = {
      tenantId: 't'.repeat(NOTIFICATION_KEY_BYTES.tenantId),
      template: 'transfer_qualification_withdrawn',
      // 128 four-byte characters: the dedupe key's 512 bytes.
      dedupeKey: '😀'.repeat(128),
      kind: 'application_decided',
      params: {},
    };
    // 84 three-byte characters and 2 ASCII: the address's 254 bytes.
    const address = { channel: 'email', to: `${'上'.repeat(84)}@x` } as const;
    expect(
      checkNotificationMessage({
        type: 'notification.deliver',
        notification: {
          ...longest,
          kind: 'application_decided',
          params: {},
          recipients: { emails: [address.to], phones: [phone.to] },
        },
      }),
    ).toBeTruthy();
    await records.record(longest, { delivery: address, state: 'delivered', at: AT, detail: 'ses-9' });
    await records.record(longest, {
      delivery: phone,
      state: 'refused',
      at: AT,
      detail: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    // DELIVERY# (9) + 64 + # + 32 + # + 512 = 619 bytes; email# (6) + 254 = 260 bytes. Summed here: the
    // embedded engine refuses keys past 2,048 and 1,024 characters, but counts characters, not UTF-8 bytes.
    const key = {
      pk: `DELIVERY#${'t'.repeat(64)}#transfer_qualification_withdrawn#${'😀'.repeat(128)}`,
      sk: `email#${address.to}`,
    };
    expect([utf8Bytes(key.pk), utf8Bytes(key.sk)]).toEqual([619, 260]);
    const item = await dynamo().send(new GetCommand({ TableName: process.env.TABLE_OPS, Key: key }));
    expect(item.Item).toMatchObject({ ...key, to: address.to, state: 'delivered', detail: 'ses-9' });
    expect(await records.settled(longest, AT)).toEqual([
      { delivery: address, state: 'delivered', at: AT, detail: 'ses-9' },
      { delivery: phone, state: 'refused', at: AT, detail: 'isv.MOBILE_NUMBER_ILLEGAL' },
    ]);
  });
});

describe('the notifier over the records and the local outbox', () => {
  it('redelivers a message whose SMS failed for now to the phone alone, then sends nothing more', async () => {
    const outbox = createLocalNotifications();
    usePorts({ messaging: outbox });
    const clock = new TestClock(AT);
    useClock(clock);
    const notification: Notification = {
      ...ref,
      dedupeKey: 'spend_cap_reached#acme#2026-11-27',
      kind: 'spend_cap_reached',
      params: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32' },
      recipients: { emails: [email.to, 'cfo@acme.example.cn'], phones: [phone.to] },
    };
    const event = {
      Records: [{ messageId: 'm1', body: JSON.stringify({ type: 'notification.deliver', notification }) }],
    } as unknown as SQSEvent;
    outbox.failNext(1, phone.to);
    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    clock.set('2026-11-26T04:12:00.000Z');
    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [] });
    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [] });
    expect(outbox.messages.map((m) => m.deliveries.map((d) => d.to))).toEqual([
      [email.to, 'cfo@acme.example.cn'],
      [phone.to],
    ]);
    expect(outbox.attempts).toBe(2);
  });
});
