/**
 * The alert outbox on the embedded engine, flushed as the alert-outbox job and every ingest batch flush it
 * (the runtime's `money.flushAlertOutbox`), through the notifications port of AWS (queuedNotifications, which
 * refuses a notification whose keys the notifier's delivery records could not hold as `invalid_message`): an
 * alert refused for good is handed over once, parked with its refusal, off the pending index, and expires 90
 * days on; an alert whose hand-over failed for now stays pending and goes on a later flush.
 */
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outboxPutAction } from '../../shared/adapters/dynamo/account-alerts.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { queuedNotifications } from '../../shared/adapters/messaging/queued-notifications.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { Notification, NotificationMessage } from '../../shared/ports/notifications.js';
import type { WorkQueue } from '../../shared/ports/work-queue.js';
import { money } from '../../shared/runtime/money.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
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
// 2026-11-26T04:00Z is 1,795,665,600 s after the epoch (20,783 days × 86,400 + 4 × 3,600); kept 90 days:
// + 7,776,000 = 1,803,441,600.
const KEEP_UNTIL = 1_803_441_600;

const alert = (dedupeKey: string): Notification => ({
  tenantId: 'acme',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥1.00', threshold: '¥50.00' },
  dedupeKey,
});
/** 513 bytes: one past the delivery records' bound, so the port refuses it however often it is tried. */
const TOO_LONG = `low_balance#acme#${'k'.repeat(496)}`;

async function outboxItem(dedupeKey: string) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: process.env.TABLE_OPS, Key: { pk: `OUTBOX#${dedupeKey}`, sk: 'ALERT' } }),
  );
  return Item;
}

describe('alerts the notifications port refuses for good', () => {
  it('are handed over once and parked; an alert failing for now is retried until it goes', async () => {
    expect(Buffer.byteLength(TOO_LONG)).toBe(513);
    useClock(new TestClock(AT));
    // The notifications queue: the hand-over of `flaky` times out twice, then goes.
    const sent: string[] = [];
    let flakyFailures = 2;
    const queue: WorkQueue<NotificationMessage> = {
      send: async ({ notification }) => {
        if (notification.dedupeKey === 'flaky' && flakyFailures-- > 0)
          throw Object.assign(new Error('queue unreachable'), { name: 'TimeoutError' });
        sent.push(notification.dedupeKey);
      },
    };
    usePorts({ notifications: queuedNotifications(async () => queue) });
    for (const key of [TOO_LONG, 'flaky', 'fine']) {
      await dynamo().send(new PutCommand(outboxPutAction(alert(key), AT).Put as PutCommandInput));
    }

    // Flush 1: `fine` goes, the over-long one is parked, `flaky` fails; flush 2: `flaky` fails; flush 3: it goes.
    expect(await money.flushAlertOutbox()).toBe(1);
    expect(await money.flushAlertOutbox()).toBe(0);
    expect(await money.flushAlertOutbox()).toBe(1);
    expect(await money.flushAlertOutbox()).toBe(0);
    expect(sent).toEqual(['fine', 'flaky']);

    const parked = await outboxItem(TOO_LONG);
    expect(parked).toMatchObject({
      status: 'parked',
      attempts: 1,
      parkedAt: AT,
      refusalCode: 'invalid_message',
      refusal: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
      expiresAt: KEEP_UNTIL,
    });
    // Off the pending partition (onto the undelivered alerts'), claim released: no flush reads it again.
    expect(parked?.gsi1pk).toBe('UNDELIVERED#all');
    expect(parked?.gsi2pk).toBe('UNDELIVERED#acme');
    expect(parked).not.toHaveProperty('claimedUntil');
    expect(await outboxItem('flaky')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await outboxItem('fine')).toMatchObject({ status: 'sent', attempts: 0 });
  });
});
