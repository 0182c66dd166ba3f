/**
 * Notifications on the local runtime, as `npm start` composes them: the cap alert handed to the in-process
 * notifications queue, delivered by the notifier's handler through the local outbox, with the delivery records
 * on the embedded engine. A provider failing one phone for now gets that phone alone on the redelivery; a phone
 * the provider refuses for good is recorded and not retried; nothing reaches a recipient twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
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
