/**
 * Notifications on the local runtime, as `npm start` composes them: the cap alert handed to the in-process
 * notifications queue, delivered by the notifier's handler through the local outbox, with the delivery records
 * on the embedded engine. A provider failing one phone for now gets that phone alone on the redelivery; a phone
 * the provider refuses for good is recorded and not retried; nothing reaches a recipient twice. An alert the
 * queue's hand-over refuses for good is parked by the outbox's flush, never handed over again.
 */
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { outboxPutAction } from '../../shared/adapters/dynamo/account-alerts.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { answeredCall, bindNumbers } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let admin: string;

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money], clockAt: '2026-11-23T00:00:00Z' });
  admin = await api.token('demo', ['tenant-admin']);
  await bindNumbers([{ tenantId: 'demo', number400: '4008123456', accessNumber: '+6531580001' }]);
});
afterAll(async () => {
  await api?.stop();
});

const FLAKY = '+8613900000000';
const INVALID = '+8613900000001';

describe('the cap alert to several recipients while the SMS provider misbehaves', () => {
  it('sends the e-mail once, the flaky phone once on the redelivery, and never the refused phone', async () => {
    expect(
      (await api.put('/v1/account/alerts', { emails: ['ops@example.com'], phones: [FLAKY, INVALID] }, admin))
        .status,
    ).toBe(200);
    expect((await api.post('/local/outbox/faults', { failNext: 'x' })).status).toBe(400);
    const faults = await api.post('/local/outbox/faults', { failNext: 1, to: FLAKY, refuse: [INVALID] });
    expect(faults.status).toBe(200);

    await api.setClock('2026-11-26T04:00:00Z');
    expect((await api.put('/v1/account/spend-cap', { dailyCap: 2_000 }, admin)).status).toBe(200);
    // 12 calls of 10 minutes at 30 fen a minute: ¥36.00 of spend, past the ¥20.00 cap once.
    const calls = Array.from({ length: 12 }, () =>
      answeredCall('+6531580001', { seconds: 600, answeredAt: '2026-11-26T03:00:00Z' }),
    );
    await api.post('/local/contact-records', calls);

    const outbox = await api.get('/local/outbox?tenantId=demo');
    const capAlerts = outbox.body.items.filter((m: { kind: string }) => m.kind === 'spend_cap_reached');
    // First delivery: the e-mail (the flaky phone failed for now, the invalid one was refused for good);
    // the redelivery: the flaky phone alone.
    expect(
      capAlerts.map((m: { deliveries: { channel: string; to: string }[] }) =>
        m.deliveries.map((d) => `${d.channel} ${d.to}`),
      ),
    ).toEqual([['email ops@example.com'], [`sms ${FLAKY}`]]);
    expect(new Set(capAlerts.map((m: { dedupeKey: string }) => m.dedupeKey)).size).toBe(1);

    const queue = await api.get('/local/notifications/queue');
    const handedOver = queue.body.sent.filter(
      (s: { message: { notification: { dedupeKey: string } } }) =>
        s.message.notification.dedupeKey === capAlerts[0].dedupeKey,
    );
    expect(handedOver).toHaveLength(1);
    expect(queue.body.stats.redelivered).toBe(1);
    expect(queue.body.deadLetters).toEqual([]);
  });
});

describe('an alert the notifications queue refuses for good', () => {
  it('is handed over once, then parked: later flushes leave it alone', async () => {
    // An alert committed by an older sender whose dedupe key is past the delivery records' bound (513 bytes):
    // the queue's hand-over refuses it (invalid_message) however often it is tried.
    const dedupeKey = `low_balance#demo#${'k'.repeat(496)}`;
    const at = '2026-11-26T05:00:00.000Z';
    const notification: Notification = {
      tenantId: 'demo',
      kind: 'low_balance',
      template: 'low_balance',
      params: { balance: '¥1.00', threshold: '¥50.00' },
      dedupeKey,
    };
    await dynamo().send(new PutCommand(outboxPutAction(notification, at).Put as PutCommandInput));
    await api.setClock(at);
    for (let flush = 0; flush < 3; flush++)
      expect((await api.post('/local/outbox/flush', {})).body).toEqual({ published: 0 });

    const queue = await api.get('/local/notifications/queue');
    expect(
      queue.body.sent.filter(
        (s: { message: { notification: { dedupeKey: string } } }) =>
          s.message.notification.dedupeKey === dedupeKey,
      ),
    ).toEqual([]);
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName('ops'), Key: { pk: `OUTBOX#${dedupeKey}`, sk: 'ALERT' } }),
    );
    // Tried once: one attempt, parked with the refusal, off the pending index.
    expect(Item).toMatchObject({
      status: 'parked',
      attempts: 1,
      parkedAt: at,
      refusalCode: 'invalid_message',
    });
    expect(Item?.gsi1pk).toBe('UNDELIVERED#all');
  });
});
