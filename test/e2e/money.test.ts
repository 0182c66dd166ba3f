import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { capability as payments } from '../../infra/local/capabilities/payments.js';
import { answeredCall, bindNumbers, fixture } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let admin: string;
let viewer: string;

beforeAll(async () => {
  // The month these tests replay: calls on 23–26 November 2026 (Shanghai), whatever day the suite runs.
  api = await startLocalApi({ capabilities: [money, payments], clockAt: '2026-11-23T00:00:00Z' });
  admin = await api.token('demo', ['tenant-admin']);
  viewer = await api.token('demo', ['tenant-viewer']);
  await bindNumbers([
    { tenantId: 'demo', number400: '4008123456', accessNumber: '+6531580001' },
    { tenantId: 'demo', number400: '4007123456', accessNumber: '+6531580002' },
  ]);
});
afterAll(async () => {
  await api?.stop();
});

/** Pays `amount` fen in through a verified Alipay payment (the only way a tenant’s money comes in). */
async function payIn(amount: number, idempotencyKey: string): Promise<string> {
  const order = await api.request('POST', '/v1/payments', {
    token: admin,
    body: { amount, channel: 'alipay' },
    headers: { 'idempotency-key': idempotencyKey },
  });
  expect(order.status).toBe(201);
  expect((await api.post(`/local/payments/${order.body.orderId}/pay`, {})).status).toBe(200);
  return order.body.orderId as string;
}

describe('account and payments over HTTP', () => {
  it('shows the seeded demo account', async () => {
    const res = await api.get('/v1/account', viewer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      balance: 50_000,
      owed: 0,
      status: 'active',
      dailyCap: null,
      capReachedToday: false,
      callsRefusedFor: null,
      plan: 'payg',
      alerts: { lowBalanceThreshold: 5000 },
    });
  });

  it('retires self-service top-ups: a 410 pointing to payment orders, and the balance does not move', async () => {
    const res = await api.request('POST', '/v1/account/top-ups', {
      token: admin,
      body: { amount: 1_000_000 },
      headers: { 'idempotency-key': 'pay-0001-abc' },
    });
    expect(res.status).toBe(410);
    expect(res.body.error).toMatchObject({ code: 'gone', details: { use: 'POST /v1/payments' } });
    expect((await api.get('/v1/account', viewer)).body.balance).toBe(50_000);
  });

  it('credits a verified payment once, however often its notification arrives', async () => {
    const orderId = await payIn(10_000, 'pay-0001-abc');
    expect((await api.get('/v1/account', viewer)).body.balance).toBe(60_000);
    expect((await api.post(`/local/payments/${orderId}/pay`, {})).status).toBeLessThan(500);
    expect((await api.get('/v1/account', viewer)).body.balance).toBe(60_000);
  });

  it('lists the ledger newest first with pagination', async () => {
    const page1 = await api.get('/v1/account/ledger?limit=1', viewer);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.items[0]).toMatchObject({ amount: 10_000, kind: 'top_up' });
    expect(page1.body.items[0].key).toMatch(/^payment#alipay#/);
    const page2 = await api.get(`/v1/account/ledger?limit=1&cursor=${page1.body.nextCursor}`, viewer);
    expect(page2.body.items[0]).toMatchObject({ key: 'opening#demo-balance', amount: 50_000 });
    expect((await api.get('/v1/account/ledger?cursor=forged', viewer)).status).toBe(400);
  });
});

describe('contact records through the local stream', () => {
  it('charges good records, parks the poison one with its reason, and lists calls and reports', async () => {
    const good = Array.from({ length: 9 }, (_, i) => answeredCall('+6531580001', { seconds: 60 * (i + 1) }));
    // The calls end on 24 November: the clock moves past them (a record starting more than 5 minutes
    // after the ingest instant would be held for review, not charged).
    await api.setClock('2026-11-24T12:00:00Z');
    const res = await api.post(
      '/local/contact-records',
      [...good.slice(0, 4), '{"ContactId":', ...good.slice(4), fixture('ctr-chat.json')],
      admin,
    );
    expect(res.status).toBe(202);
    expect(res.body.parked).toBe(1);
    const failures = await api.get('/local/contact-records/failures');
    expect(failures.body.items).toHaveLength(1);
    expect(failures.body.items[0]).toMatchObject({ data: '{"ContactId":', reason: 'malformed JSON' });

    const calls = await api.get(
      '/v1/calls?number=4008123456&from=2026-11-23T00:00:00Z&to=2026-11-25T00:00:00Z&limit=5',
      viewer,
    );
    expect(calls.status).toBe(200);
    expect(calls.body.items).toHaveLength(5);
    expect(calls.body.nextCursor).toBeDefined();
    expect(calls.body.items[0]).toMatchObject({
      number: '4008123456',
      missed: false,
      answerNumber: '+861058881234',
    });
    // 1+2+…+9 minutes at 30 fen.
    const account = await api.get('/v1/account', viewer);
    expect(account.body.balance).toBe(60_000 - 45 * 30);

    const report = await api.get('/v1/reports/daily?from=2026-11-24&to=2026-11-24', viewer);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ calls: 9, answered: 9, missed: 0, charge: 45 * 30 });
    expect(report.body.busiestHours[0]).toEqual({ hour: 10, calls: 9 });
    expect((await api.get('/v1/reports/daily?from=2026-10-01&to=2026-11-24', viewer)).status).toBe(400);
    const impossible = await api.get('/v1/reports/daily?from=2026-02-30&to=2026-03-05', viewer);
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.field).toBe('from');
    expect((await api.get('/v1/calls?number=123', viewer)).status).toBe(400);

    // Issue 13 item 10: the same range written in Shanghai time lists the same calls.
    const shanghai = await api.get(
      `/v1/calls?number=4008123456&from=${encodeURIComponent('2026-11-23T08:00:00+08:00')}` +
        `&to=${encodeURIComponent('2026-11-25T08:00:00+08:00')}&limit=5`,
      viewer,
    );
    expect(shanghai.status).toBe(200);
    expect(shanghai.body.items.map((c: { contactId: string }) => c.contactId)).toEqual(
      calls.body.items.map((c: { contactId: string }) => c.contactId),
    );
    const impossibleInstant = await api.get(
      `/v1/calls?number=4008123456&to=${encodeURIComponent('2026-02-30T00:00:00+08:00')}`,
      viewer,
    );
    expect(impossibleInstant.status).toBe(400);
    expect(impossibleInstant.body.error.field).toBe('to');
    // A number that is not the tenant's is a 404 everywhere, never 200 with zeros.
    const foreignReport = await api.get('/v1/reports/daily?number=4008999999', viewer);
    expect(foreignReport.status).toBe(404);
    expect(foreignReport.body.error.code).toBe('number_not_found');
    expect((await api.get('/v1/calls?number=4008999999', viewer)).status).toBe(404);
  });

  it('refuses a body that is not an array of records', async () => {
    expect((await api.post('/local/contact-records', { nope: 1 })).status).toBe(400);
  });
});

describe('spend cap and alerts', () => {
  it('sets the cap and alert recipients, and tells the tenant once when the cap is reached', async () => {
    const alerts = await api.put(
      '/v1/account/alerts',
      { emails: ['ops@example.com'], phones: ['+8613900000000'] },
      admin,
    );
    expect(alerts.status).toBe(200);
    expect((await api.put('/v1/account/alerts', { emails: ['not-an-email'] }, admin)).status).toBe(400);
    // Alert SMS go to mainland mobiles only: anything else would be SMS pumping at the platform's cost.
    for (const phone of ['+19005550100', '+88213000000', '+862161234567', '+8612345678901']) {
      const foreign = await api.put('/v1/account/alerts', { phones: ['+8613900000000', phone] }, admin);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error?.field).toBe('phones.1');
    }
    // Cap ¥20 on a day with no spend yet: the test clock stands on 2026-11-26 (Shanghai), the calls' day.
    await api.setClock('2026-11-26T04:00:00Z');
    const cap = await api.put('/v1/account/spend-cap', { dailyCap: 2_000 }, admin);
    expect(cap.status).toBe(200);
    expect(cap.body.dailyCap).toBe(2_000);
    const calls = Array.from({ length: 12 }, () =>
      answeredCall('+6531580001', { seconds: 600, answeredAt: '2026-11-26T03:00:00Z' }),
    );
    await api.post('/local/contact-records', calls.slice(0, 6));
    await api.post('/local/contact-records', calls.slice(6));
    const outbox = await api.get('/local/outbox?tenantId=demo');
    const capAlerts = outbox.body.items.filter((m: { kind: string }) => m.kind === 'spend_cap_reached');
    expect(capAlerts).toHaveLength(1);
    // ¥20.00 cap: the first batch spends 6 × 10 min × 30 fen = ¥18.00 (plus a 32-fen minute: ¥18.32, under
    // the cap); the second brings today's spend to ¥36.00, past it. The alert's template and parameters are
    // rendered for each recipient's channel.
    expect(capAlerts[0]).toMatchObject({
      template: 'spend_cap_reached',
      params: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32' },
      recipients: { emails: ['ops@example.com'], phones: ['+8613900000000'] },
      deliveries: [
        { channel: 'email', to: 'ops@example.com', subject: '已达每日消费上限' },
        {
          channel: 'sms',
          to: '+8613900000000',
          text: '【四零零热线】今日消费¥36.00，再加一分钟通话费¥0.32将超过您设定的每日上限¥20.00，零点前的新来电将被拒接。',
        },
      ],
    });
    // Ingest handed the alert to the notifications queue; the notifier's handler delivered it, once.
    const queue = await api.get('/local/notifications/queue');
    const queued = queue.body.sent.filter(
      (s: { message: { notification: { dedupeKey: string } } }) =>
        s.message.notification.dedupeKey === capAlerts[0].dedupeKey,
    );
    expect(queued).toEqual([
      {
        message: {
          type: 'notification.deliver',
          notification: expect.objectContaining({ kind: 'spend_cap_reached' }),
        },
        delaySeconds: 0,
      },
    ]);
    expect(queue.body.deadLetters).toEqual([]);
    expect((await api.put('/v1/account/spend-cap', { dailyCap: 1.5 }, admin)).status).toBe(400);
  });

  it('says calls are refused, and alerts once, while spend is still under the cap by less than a minute', async () => {
    // Issue 13 item 6. Friday 27 Nov (Shanghai), cap ¥20: six 11-minute calls at 30 fen a minute (4008 payg,
    // long distance) spend 6 × 330 = 1,980 fen. 1,980 + one minute at the worst rate (32) = 2,012 > 2,000:
    // new calls are refused, so the account says so and the cap alert goes out.
    await api.setClock('2026-11-27T04:00:00Z');
    expect((await api.put('/v1/account/spend-cap', { dailyCap: 2_000 }, admin)).status).toBe(200);
    const before = await api.get('/v1/account', viewer);
    expect(before.body).toMatchObject({ spendToday: 0, capReachedToday: false, callsRefusedFor: null });
    const calls = Array.from({ length: 6 }, () =>
      answeredCall('+6531580001', { seconds: 660, answeredAt: '2026-11-27T02:00:00Z' }),
    );
    expect((await api.post('/local/contact-records', calls)).status).toBe(202);
    const after = await api.get('/v1/account', viewer);
    expect(after.body).toMatchObject({
      status: 'active',
      spendDay: '2026-11-27',
      spendToday: 1_980,
      dailyCap: 2_000,
      capReachedToday: true,
      callsRefusedFor: 'spend_cap',
    });
    const outbox = await api.get('/local/outbox?tenantId=demo');
    const today = outbox.body.items.filter(
      (m: { kind: string; dedupeKey: string }) =>
        m.kind === 'spend_cap_reached' && m.dedupeKey.endsWith('#2026-11-27'),
    );
    expect(today).toHaveLength(1);
  });
});
