/**
 * Payments over HTTP on the local runtime: the whole loop (order → pay → credit → spend → refund) with the
 * local providers' genuinely signed notifications, operator credits, reconciliation, and every way we know
 * to raise a balance without a verified payment, each asserted not to work.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { localPaymentProviders, capability as payments } from '../../infra/local/capabilities/payments.js';
import { alipaySign } from '../../shared/adapters/payments/local-provider.js';
import { paymentStore } from '../../shared/runtime/payments.js';
import { answeredCall, bindNumbers } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
const tokens = {} as Record<'admin1' | 'viewer1' | 'admin2' | 'admin3' | 'op1' | 'op2', string>;
let keyCounter = 0;
const key = (prefix = 'k') => `${prefix}-${String(++keyCounter).padStart(8, '0')}`;

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money, payments], clockAt: '2026-11-23T00:00:00Z' });
  tokens.admin1 = await api.token('pay-t1', ['tenant-admin']);
  tokens.viewer1 = await api.token('pay-t1', ['tenant-viewer']);
  tokens.admin2 = await api.token('pay-t2', ['tenant-admin']);
  tokens.admin3 = await api.token('pay-t3', ['tenant-admin']);
  tokens.op1 = await api.token(undefined, ['operator']);
  tokens.op2 = (
    await api.request('POST', '/local/tokens', { body: { roles: ['operator'], subject: 'op-second' } })
  ).body.token as string;
  await bindNumbers([{ tenantId: 'pay-t1', number400: '4008900001', accessNumber: '+6531589001' }]);
});
afterAll(async () => {
  await api?.stop();
});

const order = (token: string, amount: number, channel: string, idempotencyKey = key('order')) =>
  api.request('POST', '/v1/payments', {
    token,
    body: { amount, channel },
    headers: { 'idempotency-key': idempotencyKey },
  });
const balance = async (token: string) => (await api.get('/v1/account', token)).body.balance as number;
const pay = (orderId: string, body: Record<string, unknown> = {}) =>
  api.post(`/local/payments/${orderId}/pay`, body);
const credit = (
  token: string,
  tenantId: string,
  body: Record<string, unknown>,
  idempotencyKey = key('credit'),
) =>
  api.request('POST', `/v1/accounts/${tenantId}/credits`, {
    token,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });

describe('the whole loop: order → pay → credit → spend → refund', () => {
  let orderId = '';
  /** What the call cost: the Alipay payment's remainder after its refund. */
  let spent = 0;
  let notification: { headers: Record<string, string>; body: string };

  it('creates an Alipay order once per Idempotency-Key, and credits nothing yet', async () => {
    const first = await order(tokens.admin1, 10_000, 'alipay', 'loop-order-0001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'created',
      amount: 10_000,
      channel: 'alipay',
      currency: 'CNY',
    });
    expect(first.body.qrCode).toBeTypeOf('string');
    expect(first.body.payUrl).toBe(`/local/payments/${first.body.orderId}/pay`);
    orderId = first.body.orderId;
    const again = await order(tokens.admin1, 10_000, 'alipay', 'loop-order-0001');
    expect(again.status).toBe(200);
    expect(again.body.orderId).toBe(orderId);
    const other = await order(tokens.admin1, 20_000, 'alipay', 'loop-order-0001');
    expect(other.status).toBe(409);
    expect(await balance(tokens.viewer1)).toBe(0);
  });

  it('credits the balance on the verified notification, once', async () => {
    const paid = await pay(orderId);
    expect(paid.body.webhook).toEqual({ status: 200, body: 'success' });
    notification = paid.body.notification;
    expect(await balance(tokens.viewer1)).toBe(10_000);
    const replay = await api.post('/local/webhooks/alipay', notification);
    expect(replay.body.webhook).toEqual({ status: 200, body: 'success' });
    expect(await balance(tokens.viewer1)).toBe(10_000);
    const list = await api.get('/v1/payments', tokens.viewer1);
    expect(list.body.items.find((o: { orderId: string }) => o.orderId === orderId)).toMatchObject({
      status: 'paid',
      refundable: 10_000,
    });
    const ledger = await api.get('/v1/account/ledger', tokens.viewer1);
    expect(ledger.body.items.filter((e: { kind: string }) => e.kind === 'top_up')).toHaveLength(1);
  });

  it('spends on a call, refunds at most what is left, and settles on the verified refund result', async () => {
    await api.post('/local/contact-records', [
      answeredCall('+6531589001', { seconds: 600, answeredAt: '2026-11-22T20:00:00Z' }),
    ]);
    const left = await balance(tokens.viewer1);
    spent = 10_000 - left;
    expect(left).toBeLessThan(10_000);
    expect(left).toBeGreaterThan(0);
    const tooMuch = await api.request('POST', '/v1/refunds', {
      token: tokens.admin1,
      body: { amount: 10_000 },
      headers: { 'idempotency-key': key('refund') },
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({
      code: 'refund_exceeds_refundable',
      details: { refundable: left },
    });
    const refundKey = key('refund');
    const refund = await api.request('POST', '/v1/refunds', {
      token: tokens.admin1,
      body: { amount: left },
      headers: { 'idempotency-key': refundKey },
    });
    expect(refund.status).toBe(202);
    expect(refund.body.refunds).toEqual([
      expect.objectContaining({ orderId, channel: 'alipay', amount: left, status: 'pending' }),
    ]);
    expect(await balance(tokens.viewer1)).toBe(0);
    const again = await api.request('POST', '/v1/refunds', {
      token: tokens.admin1,
      body: { amount: left },
      headers: { 'idempotency-key': refundKey },
    });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const result = await api.post(`/local/payments/${orderId}/refund`, { succeeded: true });
    expect(result.body.refunds[0].webhook).toEqual({ status: 200, body: 'success' });
    const list = await api.get('/v1/payments', tokens.viewer1);
    // The order's own remainder is what was paid less what went back; the balance caps what may go back now.
    expect(list.body.items.find((o: { orderId: string }) => o.orderId === orderId)).toMatchObject({
      status: 'partly_refunded',
      refunded: left,
      refundPending: 0,
      refundable: 10_000 - left,
    });
    expect(await balance(tokens.viewer1)).toBe(0);
  });

  it('takes a refund from the oldest payment first, and gives a failed refund back to the balance', async () => {
    // An hour later, so the Alipay payment is the older one.
    await api.setClock('2026-11-23T01:00:00Z');
    const created = await order(tokens.admin1, 5_000, 'wechat_pay');
    expect(created.status).toBe(201);
    expect((await pay(created.body.orderId)).body.webhook).toEqual({ status: 204, body: '' });
    expect(await balance(tokens.viewer1)).toBe(5_000);
    const refund = await api.request('POST', '/v1/refunds', {
      token: tokens.admin1,
      body: { amount: 5_000 },
      headers: { 'idempotency-key': key('refund') },
    });
    expect(refund.status).toBe(202);
    // What the Alipay payment still holds goes first, the rest from the newer WeChat Pay payment.
    expect(refund.body.refunds).toEqual([
      expect.objectContaining({ orderId, channel: 'alipay', amount: spent }),
      expect.objectContaining({
        orderId: created.body.orderId,
        channel: 'wechat_pay',
        amount: 5_000 - spent,
      }),
    ]);
    expect(await balance(tokens.viewer1)).toBe(0);
    await api.post(`/local/payments/${created.body.orderId}/refund`, { succeeded: false });
    expect(await balance(tokens.viewer1)).toBe(5_000 - spent);
    await api.post(`/local/payments/${orderId}/refund`, { succeeded: false });
    expect(await balance(tokens.viewer1)).toBe(5_000);
    const list = await api.get('/v1/payments', tokens.viewer1);
    expect(
      list.body.items.find((o: { orderId: string }) => o.orderId === created.body.orderId),
    ).toMatchObject({
      status: 'paid',
      refundable: 5_000,
      refundPending: 0,
    });
  });

  it('credits concurrent duplicate notifications once', async () => {
    const created = await order(tokens.admin3, 7_700, 'alipay');
    const { request } = localPaymentProviders().paymentNotification(
      (await paymentStore().order(created.body.orderId))!,
      { at: new Date('2026-11-23T00:00:00Z') },
    );
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api.post('/local/webhooks/alipay', request)),
    );
    for (const a of answers) expect(a.body.webhook).toEqual({ status: 200, body: 'success' });
    expect(await balance(tokens.admin3)).toBe(7_700);
  });
});

describe('operator credits', () => {
  it('records a bank transfer against its reference, with who and why', async () => {
    const created = await order(tokens.admin2, 30_000, 'bank_transfer');
    expect(created.status).toBe(201);
    expect(created.body.bankAccount).toMatchObject({ accountNumber: expect.any(String) });
    const reference = created.body.transferReference as string;
    expect(reference).toMatch(/^HL[A-Z0-9]{10}$/);
    const wrongAmount = await credit(tokens.op1, 'pay-t2', {
      kind: 'bank_transfer',
      amount: 29_999,
      reason: 'transfer seen',
      reference,
    });
    expect(wrongAmount.status).toBe(409);
    const noReason = await credit(tokens.op1, 'pay-t2', { kind: 'bank_transfer', amount: 30_000, reference });
    expect(noReason.status).toBe(400);
    const done = await credit(tokens.op1, 'pay-t2', {
      kind: 'bank_transfer',
      amount: 30_000,
      reason: 'ICBC statement line 42',
      reference,
    });
    expect(done.status).toBe(201);
    expect(await balance(tokens.admin2)).toBe(30_000);
    const list = await api.get('/v1/payments', tokens.admin2);
    expect(list.body.items[0]).toMatchObject({ status: 'paid', refundable: 30_000 });
    const again = await credit(tokens.op1, 'pay-t2', {
      kind: 'bank_transfer',
      amount: 30_000,
      reason: 'again',
      reference,
    });
    expect(again.status).toBe(409);
    expect(await balance(tokens.admin2)).toBe(30_000);
  });

  it('takes two different operators above the approval amount; promotional credit is never refunded', async () => {
    const creditKey = key('credit');
    const proposed = await credit(
      tokens.op1,
      'pay-t2',
      { kind: 'promotional', amount: 2_000_000, reason: 'launch promotion' },
      creditKey,
    );
    expect(proposed.status).toBe(202);
    expect(proposed.body.outcome).toBe('proposed');
    expect(await balance(tokens.admin2)).toBe(30_000);
    const self = await api.request('POST', `/v1/accounts/pay-t2/credits/${creditKey}/approval`, {
      token: tokens.op1,
    });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('second_operator_required');
    const approved = await api.request('POST', `/v1/accounts/pay-t2/credits/${creditKey}/approval`, {
      token: tokens.op2,
    });
    expect(approved.status).toBe(201);
    expect(approved.body.credit).toMatchObject({
      proposedBy: expect.any(String),
      approvedBy: 'op-second',
      status: 'credited',
    });
    expect(await balance(tokens.admin2)).toBe(2_030_000);
    const ledger = await api.get('/v1/account/ledger', tokens.admin2);
    expect(ledger.body.items[0]).toMatchObject({ kind: 'adjustment', amount: 2_000_000 });
    expect(ledger.body.items[0].description).toContain('launch promotion');
    const refund = await api.request('POST', '/v1/refunds', {
      token: tokens.admin2,
      body: { amount: 30_001 },
      headers: { 'idempotency-key': key('refund') },
    });
    expect(refund.status).toBe(409);
    expect(refund.body.error.details).toEqual({ refundable: 30_000 });
  });
});

describe('bank-transfer refunds', () => {
  it('are finance’s to pay out, and an operator records what the bank did', async () => {
    const before = await balance(tokens.admin2);
    const refund = await api.request('POST', '/v1/refunds', {
      token: tokens.admin2,
      body: { amount: 30_000 },
      headers: { 'idempotency-key': key('refund') },
    });
    expect(refund.status).toBe(202);
    const [pending] = refund.body.refunds as { refundId: string; channel: string }[];
    expect(pending?.channel).toBe('bank_transfer');
    expect(await balance(tokens.admin2)).toBe(before - 30_000);
    const queue = await api.get('/v1/refunds/pending', tokens.op1);
    expect(queue.body.items.map((r: { refundId: string }) => r.refundId)).toContain(pending?.refundId);
    const path = `/v1/refunds/${pending?.refundId}/settlement`;
    const byTenant = await api.request('POST', path, {
      token: tokens.admin2,
      body: { succeeded: false, reason: 'mine' },
    });
    expect(byTenant.status).toBe(403);
    const settled = await api.request('POST', path, {
      token: tokens.op1,
      body: { succeeded: true, reason: 'ICBC transfer 2026-11-23 #7781' },
    });
    expect(settled.status).toBe(201);
    expect(settled.body.refund).toMatchObject({ status: 'succeeded' });
    const again = await api.request('POST', path, {
      token: tokens.op1,
      body: { succeeded: false, reason: 'oops' },
    });
    expect(again.body.outcome).toBe('duplicate');
    expect(await balance(tokens.admin2)).toBe(before - 30_000);
    const orders = await api.get('/v1/payments', tokens.admin2);
    expect(orders.body.items.find((o: { channel: string }) => o.channel === 'bank_transfer')).toMatchObject({
      status: 'refunded',
      refunded: 30_000,
    });
  });
});

describe('no way to raise a balance without a verified payment', () => {
  it('POST /v1/account/top-ups is gone (410, pointing at /v1/payments) — passes once the lead retires the route', async () => {
    const before = await balance(tokens.admin1);
    const res = await api.request('POST', '/v1/account/top-ups', {
      token: tokens.admin1,
      body: { amount: 1_000_000 },
      headers: { 'idempotency-key': key('topup') },
    });
    expect(res.status).toBe(410);
    expect(JSON.stringify(res.body)).toContain('/v1/payments');
    expect(await balance(tokens.admin1)).toBe(before);
  });

  it('refuses forged, tampered, mismatched and replayed notifications, answering failure', async () => {
    const created = await order(tokens.admin2, 8_800, 'alipay');
    const orderId = created.body.orderId as string;
    const start = await balance(tokens.admin2);
    const stored = (await paymentStore().order(orderId))!;
    const { request } = localPaymentProviders().paymentNotification(stored, {
      at: new Date('2026-11-23T00:00:00Z'),
    });

    // Tampered: a bigger amount under the provider's signature.
    const tampered = new URLSearchParams(request.body);
    tampered.set('total_amount', '8800.00');
    expect(
      (await api.post('/local/webhooks/alipay', { ...request, body: tampered.toString() })).body.webhook.body,
    ).toBe('fail');

    // Forged: signed with a key that is not Alipay's.
    const forger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const fields = Object.fromEntries(new URLSearchParams(request.body));
    fields.sign = alipaySign(fields, forger.privateKey);
    expect(
      (await api.post('/local/webhooks/alipay', { ...request, body: new URLSearchParams(fields).toString() }))
        .body.webhook.body,
    ).toBe('fail');

    // Another tenant's credited notification replayed: changes nobody's balance.
    const other = await order(tokens.admin3, 1_000, 'alipay');
    const otherPaid = await pay(other.body.orderId);
    const t3 = await balance(tokens.admin3);
    await api.post('/local/webhooks/alipay', otherPaid.body.notification);
    expect(await balance(tokens.admin3)).toBe(t3);
    // ...and pointed at this tenant's order, its signature breaks.
    const redirected = new URLSearchParams(otherPaid.body.notification.body);
    redirected.set('out_trade_no', orderId);
    expect(
      (
        await api.post('/local/webhooks/alipay', {
          ...otherPaid.body.notification,
          body: redirected.toString(),
        })
      ).body.webhook.body,
    ).toBe('fail');

    // Genuinely signed, but not this order's: another amount (parked), another app, another merchant.
    expect((await pay(orderId, { amount: 1 })).body.webhook.body).toBe('fail');
    expect((await pay(orderId, { appId: '2021000000000999' })).body.webhook.body).toBe('fail');
    expect((await pay(orderId, { merchantId: '2088000000000999' })).body.webhook.body).toBe('fail');
    // WeChat Pay: an order in another currency, and a stale notification.
    const wx = await order(tokens.admin2, 8_800, 'wechat_pay');
    expect((await pay(wx.body.orderId, { currency: 'USD' })).body.webhook.status).toBe(400);

    expect(await balance(tokens.admin2)).toBe(start);
    const parked = await api.get('/v1/payments/parked', tokens.op1);
    expect(parked.status).toBe(200);
    expect(parked.body.items.map((p: { reason: string }) => p.reason)).toEqual(
      expect.arrayContaining(['amount_mismatch', 'currency_mismatch']),
    );
    // The genuine one still credits afterwards.
    expect((await api.post('/local/webhooks/alipay', request)).body.webhook.body).toBe('success');
    expect(await balance(tokens.admin2)).toBe(start + 8_800);
  });

  it('keeps tenants and viewers off operator routes', async () => {
    for (const token of [tokens.admin1, tokens.viewer1]) {
      const res = await credit(token, 'pay-t1', { kind: 'manual', amount: 100, reason: 'self credit' });
      expect(res.status).toBe(403);
      expect(
        (await api.request('POST', '/v1/accounts/pay-t1/credits/whatever-1/approval', { token })).status,
      ).toBe(403);
      expect((await api.get('/v1/payments/parked', token)).status).toBe(403);
    }
    const viewerOrder = await order(tokens.viewer1, 10_000, 'alipay');
    expect(viewerOrder.status).toBe(403);
  });
});

describe('reconciliation against the provider statement', () => {
  it('finds a payment the provider has but we never credited, and alerts once per result', async () => {
    // A day of its own: the tests above left deliberately mismatched trades in the statement of 23 November.
    await api.setClock('2026-11-25T00:00:00Z');
    const run = () => api.post('/local/jobs/payments-reconciliation', { at: '2026-11-26T03:00:00+08:00' });
    const clean = await run();
    expect(clean.status).toBe(200);
    expect(clean.body.result.differences).toBe(0);
    const created = await order(tokens.admin1, 4_200, 'alipay');
    const stored = (await paymentStore().order(created.body.orderId))!;
    // The provider took the money, but its notification never reached us.
    localPaymentProviders().paymentNotification(stored, { at: new Date('2026-11-25T00:00:00Z') });
    const found = await run();
    expect(found.body.result.differences).toBe(1);
    expect(found.body.result.channels[0].differences[0]).toMatchObject({
      kind: 'missing',
      orderId: stored.orderId,
    });
    expect(found.body.result.channels[0].recordedNow).toBe(true);
    const twice = await run();
    expect(twice.body.result.channels[0].recordedNow).toBe(false);
  });
});
