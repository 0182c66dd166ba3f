/**
 * Payments on the embedded engine, through the use cases and the DynamoDB payment store: a credit lands
 * with its order's state change or not at all, duplicates (even concurrent) credit once, a trade number
 * credits one order only, and refunds never take more than was paid in and not spent.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoPaymentStore } from '../../shared/adapters/dynamo/payment-store.js';
import { dynamoPrepaidFunds } from '../../shared/adapters/dynamo/prepaid-funds.js';
import { LocalPaymentProviders } from '../../shared/adapters/payments/local-provider.js';
import { createPaymentOrder } from '../../shared/app/payments/create-payment-order.js';
import { approveCredit, creditAccount } from '../../shared/app/payments/credit-account.js';
import { handlePaymentNotification } from '../../shared/app/payments/handle-payment-notification.js';
import { requestRefund } from '../../shared/app/payments/request-refund.js';
import { retryPendingRefunds } from '../../shared/app/payments/retry-pending-refunds.js';
import { tableName } from '../../shared/config.js';
import type { PaymentChannel } from '../../shared/domain/payments/payments.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { PaymentsPort } from '../../shared/ports/payments.js';
import { ledger } from '../../shared/runtime/ledger.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { refusalRateAt } from '../../shared/runtime/tariffs.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';

const NOW = new Date('2027-02-01T02:00:00.000Z');
let db: TestDatabase;
// Alerts the credits commit go to the outbox; publishing them is the composition root's concern.
const store = new DynamoPaymentStore('Asia/Shanghai', async () => undefined, refusalRateAt);
const providers = new LocalPaymentProviders();
const funds = dynamoPrepaidFunds();
const refused: string[] = [];
const monitor = {
  notificationRejected: (_c: string, reason: string) => {
    refused.push(reason);
  },
  reconciliationDifferences: () => undefined,
};
const notifyDeps = { store, payments: providers, monitor, zone: 'Asia/Shanghai' };
let ids = 0;

beforeAll(async () => {
  db = await startTestDatabase();
  useClock(new TestClock(NOW));
  useLocalNotifier();
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

async function newOrder(tenantId: string, amount: number, channel: PaymentChannel = 'alipay') {
  ids += 1;
  const { order } = await createPaymentOrder(
    { store, payments: providers, newOrderId: () => `P${String(ids).padStart(24, '0')}` },
    { tenantId, by: 'u1', amount, channel, idempotencyKey: `order-key-${ids}`, now: NOW },
  );
  return order;
}

const balanceOf = async (tenantId: string) => (await ledger().account(tenantId, NOW)).account.balance;
const item = async (pk: string, sk: string) =>
  (await dynamo().send(new GetCommand({ TableName: tableName('ledger'), Key: { pk, sk } }))).Item;

describe('crediting a verified payment', () => {
  it('writes the credit, the order’s new state and the trade in one go', async () => {
    const order = await newOrder('int-t1', 12_300);
    const { request, tradeNo } = providers.paymentNotification(order, { at: NOW });
    const handled = await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    expect(handled).toMatchObject({ outcome: 'credited', answer: { body: 'success' } });
    expect(await balanceOf('int-t1')).toBe(12_300);
    expect(await item(`PAYORDER#${order.orderId}`, 'ORDER')).toMatchObject({
      status: 'paid',
      providerTradeNo: tradeNo,
      gsi2pk: 'PAID#alipay#2027-02-01',
    });
    expect(await item('ACCT#int-t1', `LEDGER#payment#alipay#${tradeNo}`)).toMatchObject({
      kind: 'top_up',
      amount: 12_300,
      meta: { orderId: order.orderId, tradeNo, channel: 'alipay', refundable: true },
    });
    expect(await item(`PAYTRADE#alipay#${tradeNo}`, 'TRADE')).toMatchObject({ orderId: order.orderId });
    expect(await store.recordedPayments('alipay', '2027-02-01')).toEqual([
      { orderId: order.orderId, tradeNo, amount: 12_300 },
    ]);
  });

  it('credits concurrent duplicate notifications once', async () => {
    const order = await newOrder('int-t2', 4_000, 'wechat_pay');
    const { request } = providers.paymentNotification(order, { at: NOW });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        handlePaymentNotification(notifyDeps, { channel: 'wechat_pay', request, now: NOW }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'credited')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(9);
    for (const o of outcomes) expect(o.answer.status).toBe(204);
    expect(await balanceOf('int-t2')).toBe(4_000);
  });

  it('never credits one trade number to a second order', async () => {
    const first = await newOrder('int-t3', 5_000);
    const second = await newOrder('int-t3', 5_000);
    const paid = providers.paymentNotification(first, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request: paid.request, now: NOW });
    const reused = providers.paymentNotification(second, { at: NOW, tradeNo: paid.tradeNo });
    const handled = await handlePaymentNotification(notifyDeps, {
      channel: 'alipay',
      request: reused.request,
      now: NOW,
    });
    expect(handled).toMatchObject({ outcome: 'parked', answer: { body: 'fail' } });
    expect(await balanceOf('int-t3')).toBe(5_000);
    expect((await store.order(second.orderId))?.status).toBe('created');
  });

  it('parks an amount mismatch and credits nothing', async () => {
    const order = await newOrder('int-t4', 5_000);
    const { request } = providers.paymentNotification(order, { at: NOW, amount: 50_000 });
    const before = refused.length;
    const handled = await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    expect(handled.outcome).toBe('parked');
    expect(refused.slice(before)).toEqual(['amount_mismatch']);
    expect(await balanceOf('int-t4')).toBe(0);
    expect(
      (await store.parked(10)).some((p) => p.orderId === order.orderId && p.reason === 'amount_mismatch'),
    ).toBe(true);
  });
});

describe('refunds', () => {
  it('lets only one of two racing refunds take the money', async () => {
    const order = await newOrder('int-t5', 6_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    const refund = (key: string) =>
      requestRefund(
        { store, funds, payments: providers },
        { tenantId: 'int-t5', by: 'u1', amount: 6_000, requestId: key, now: NOW },
      );
    const results = await Promise.allSettled([refund('refund-race-1'), refund('refund-race-2')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await balanceOf('int-t5')).toBe(0);
    expect((await ledger().account('int-t5', NOW)).account.owed).toBe(0);
    expect((await store.order(order.orderId))?.refundPending).toBe(6_000);
  });

  it('gives the money back at once when the provider refuses the refund outright', async () => {
    const order = await newOrder('int-t7', 3_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    const refusing = {
      provider: (async (channel: PaymentChannel) =>
        Object.assign(Object.create(await providers.provider(channel)), {
          requestRefund: async () => 'refused' as const,
        })) as PaymentsPort['provider'],
    };
    const { refunds } = await requestRefund(
      { store, funds, payments: refusing },
      { tenantId: 'int-t7', by: 'u1', amount: 'all_refundable', requestId: 'refund-refused-1', now: NOW },
    );
    expect(refunds).toEqual([expect.objectContaining({ orderId: order.orderId, amount: 3_000 })]);
    expect(await balanceOf('int-t7')).toBe(3_000);
    expect(await store.refund(refunds[0]?.refundId ?? '')).toMatchObject({ status: 'failed' });
    expect(await store.order(order.orderId)).toMatchObject({ status: 'paid', refundPending: 0, refunded: 0 });
  });

  it('asks again for a refund whose request was lost, and gives the money back when then refused', async () => {
    const order = await newOrder('int-t8', 2_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    const withProvider = (requestRefund: () => Promise<'requested' | 'refused'>) => ({
      provider: (async (channel: PaymentChannel) =>
        Object.assign(Object.create(await providers.provider(channel)), {
          requestRefund,
        })) as PaymentsPort['provider'],
    });
    const timeout = withProvider(async () => {
      throw new Error('timeout');
    });
    const { refunds } = await requestRefund(
      { store, funds, payments: timeout },
      { tenantId: 'int-t8', by: 'u1', amount: 2_000, requestId: 'refund-lost-1', now: NOW },
    );
    expect(await balanceOf('int-t8')).toBe(0);
    const later = new Date(NOW.getTime() + 2 * 3600_000);
    const pending = (await store.pendingRefunds(later.toISOString(), 100)).map((r) => r.refundId);
    expect(pending).toContain(refunds[0]?.refundId);
    // Too recent to retry.
    expect(
      (
        await retryPendingRefunds(
          { store, payments: timeout },
          { now: NOW, olderThanMs: 3600_000, limit: 100 },
        )
      ).asked,
    ).toBe(0);
    const refused = await retryPendingRefunds(
      { store, payments: withProvider(async () => 'refused') },
      { now: later, olderThanMs: 3600_000, limit: 100 },
    );
    expect(refused.refused).toBeGreaterThanOrEqual(1);
    expect(await balanceOf('int-t8')).toBe(2_000);
    expect((await store.pendingRefunds(later.toISOString(), 100)).map((r) => r.refundId)).not.toContain(
      refunds[0]?.refundId,
    );
  });

  it('never refunds promotional credit', async () => {
    const order = await newOrder('int-t6', 1_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    await creditAccount(
      { store, approvalThreshold: 1_000_000 },
      {
        tenantId: 'int-t6',
        operator: 'op1',
        creditId: 'promo-00000001',
        kind: 'promotional',
        amount: 9_000,
        reason: 'welcome',
        now: NOW,
      },
    );
    expect(await balanceOf('int-t6')).toBe(10_000);
    expect((await funds.read('int-t6')).nonRefundableCredited).toBe(9_000);
    await expect(
      requestRefund(
        { store, funds, payments: providers },
        { tenantId: 'int-t6', by: 'u1', amount: 1_001, requestId: 'refund-promo-1', now: NOW },
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_refundable', details: { refundable: 1_000 } });
    const ledger = await item('ACCT#int-t6', 'LEDGER#credit#promo-00000001');
    expect(ledger).toMatchObject({
      kind: 'adjustment',
      meta: { by: 'op1', reason: 'welcome', refundable: false },
    });
  });
});

describe('a refund racing a promotional credit', () => {
  it('never counts a promotional credit in the balance without counting it as non-refundable', async () => {
    // Paid 10,000, spent 9,000: 1,000 refundable. A 9,000 promotional credit lands while the refund reads
    // the account: read apart, the balance could hold it (10,000) while the non-refundable sum did not (0),
    // and 10,000 went back. Whenever the credit lands, the refundable total is 1,000.
    const order = await newOrder('int-t21', 10_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    await ledger().post([
      {
        tenantId: 'int-t21',
        key: 'int-t21#call-before-refund',
        kind: 'call',
        amount: -9_000,
        at: NOW.toISOString(),
        description: 'calls',
      },
    ]);
    const promotion = () =>
      creditAccount(
        { store, approvalThreshold: 1_000_000 },
        {
          tenantId: 'int-t21',
          operator: 'op1',
          creditId: 'promo-race-0001',
          kind: 'promotional',
          amount: 9_000,
          reason: 'goodwill',
          now: NOW,
        },
      );
    // The refund reads the balance and the non-refundable sum in one snapshot (PrepaidFunds): the credit
    // is either in both or in neither, so there is no instant at which the two disagree.
    const before = await funds.read('int-t21');
    expect(before).toMatchObject({ balance: 1_000, nonRefundableCredited: 0 });
    await promotion();
    expect(await funds.read('int-t21')).toMatchObject({ balance: 10_000, nonRefundableCredited: 9_000 });
    await expect(
      requestRefund(
        { store, funds, payments: providers },
        { tenantId: 'int-t21', by: 'u1', amount: 10_000, requestId: 'refund-promo-race-1', now: NOW },
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_refundable', details: { refundable: 1_000 } });
    expect((await ledger().account('int-t21', NOW)).account.balance).toBe(10_000);
  });
});

describe('a refund racing a charge', () => {
  it('never refunds money a charge took after the refundable total was read', async () => {
    // Paid 6,000; the refund decides on that balance, then a 5,000 call charge commits before the
    // refund's own write. Refunding the 6,000 read would leave 5,000 owed: the refund must read again
    // and find only 1,000 refundable.
    const order = await newOrder('int-t20', 6_000);
    const { request } = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    let charged = false;
    const racing = Object.create(store) as DynamoPaymentStore;
    racing.startRefunds = async (...args: Parameters<DynamoPaymentStore['startRefunds']>) => {
      if (!charged) {
        charged = true;
        await ledger().post([
          {
            tenantId: 'int-t20',
            key: 'int-t20#call-during-refund',
            kind: 'call',
            amount: -5_000,
            at: NOW.toISOString(),
            description: 'a call charged meanwhile',
          },
        ]);
      }
      return store.startRefunds(...args);
    };
    await expect(
      requestRefund(
        { store: racing, funds, payments: providers },
        { tenantId: 'int-t20', by: 'u1', amount: 6_000, requestId: 'refund-charge-race-1', now: NOW },
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_refundable', details: { refundable: 1_000 } });
    const { account } = await ledger().account('int-t20', NOW);
    expect(account).toMatchObject({ balance: 1_000, owed: 0 });
    expect(await store.order(order.orderId)).toMatchObject({ refundPending: 0 });
  });
});

describe('a refund the provider made without our request (its merchant console)', () => {
  it('debits what went back to the payer, once, and leaves only the rest refundable', async () => {
    // Paid 8,000 by Alipay; an operator refunds 3,000 from Alipay's console. The signed result names a
    // refund we never asked for: the payer has the 3,000, so the balance must lose them (5,000 left, and
    // 5,000 refundable), or the tenant spends or refunds money it already got back.
    const order = await newOrder('int-t22', 8_000);
    const paid = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'alipay', request: paid.request, now: NOW });
    const consoleRefund = {
      refundId: 'console-20270201-0001',
      orderId: order.orderId,
      tradeNo: paid.tradeNo,
      amount: 3_000,
      orderAmount: 8_000,
    };
    const request = providers.refundNotification(consoleRefund, 'alipay', true, NOW);
    const first = await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    expect(first).toMatchObject({ outcome: 'refund_settled', answer: { body: 'success' } });
    const again = await handlePaymentNotification(notifyDeps, { channel: 'alipay', request, now: NOW });
    expect(again).toMatchObject({ outcome: 'duplicate', answer: { body: 'success' } });
    // The payment's own notification again, after the refund: nothing is credited twice.
    const replay = await handlePaymentNotification(notifyDeps, {
      channel: 'alipay',
      request: paid.request,
      now: NOW,
    });
    expect(replay.outcome).toBe('duplicate');
    expect(await balanceOf('int-t22')).toBe(5_000);
    expect(await store.order(order.orderId)).toMatchObject({
      status: 'partly_refunded',
      refunded: 3_000,
      refundPending: 0,
    });
    expect(await item('ACCT#int-t22', 'LEDGER#refund#provider#alipay#console-20270201-0001')).toMatchObject({
      kind: 'refund',
      amount: -3_000,
      meta: { orderId: order.orderId, refundId: 'console-20270201-0001', by: 'provider' },
    });
    await expect(
      requestRefund(
        { store, funds, payments: providers },
        { tenantId: 'int-t22', by: 'u1', amount: 5_001, requestId: 'refund-after-console-1', now: NOW },
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_refundable', details: { refundable: 5_000 } });
  });

  it('moves nothing for a failed one, nor for one of another channel’s order or more than was paid', async () => {
    const order = await newOrder('int-t23', 2_000, 'wechat_pay');
    const paid = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'wechat_pay', request: paid.request, now: NOW });
    const refund = (refundId: string, amount: number) => ({
      refundId,
      orderId: order.orderId,
      tradeNo: paid.tradeNo,
      amount,
      orderAmount: 2_000,
    });
    const handle = (channel: 'alipay' | 'wechat_pay', r: ReturnType<typeof refund>, succeeded = true) =>
      handlePaymentNotification(notifyDeps, {
        channel,
        request: providers.refundNotification(r, channel, succeeded, NOW),
        now: NOW,
      });
    expect((await handle('wechat_pay', refund('console-failed-1', 500), false)).outcome).toBe('ignored');
    expect((await handle('alipay', refund('console-alipay-1', 500))).outcome).toBe('rejected');
    expect((await handle('wechat_pay', refund('console-too-much', 2_001))).outcome).toBe('parked');
    expect(await balanceOf('int-t23')).toBe(2_000);
    expect(await store.order(order.orderId)).toMatchObject({ status: 'paid', refunded: 0 });
    expect((await handle('wechat_pay', refund('console-whole-1', 2_000))).outcome).toBe('refund_settled');
    expect(await balanceOf('int-t23')).toBe(0);
    expect(await store.order(order.orderId)).toMatchObject({ status: 'refunded', refunded: 2_000 });
  });

  it('answers failure to one that overtook its payment’s notification, and records its retry after the credit', async () => {
    // The provider's notifications came out of order: the console refund of 1,000 first, the payment of
    // 3,000 after. Refused at first (the order holds nothing yet), the refund's retry finds it paid: 2,000.
    const order = await newOrder('int-t26', 3_000, 'wechat_pay');
    const paid = providers.paymentNotification(order, { at: NOW });
    const refundRequest = providers.refundNotification(
      {
        refundId: 'console-early-1',
        orderId: order.orderId,
        tradeNo: paid.tradeNo,
        amount: 1_000,
        orderAmount: 3_000,
      },
      'wechat_pay',
      true,
      NOW,
    );
    const early = await handlePaymentNotification(notifyDeps, {
      channel: 'wechat_pay',
      request: refundRequest,
      now: NOW,
    });
    expect(early.answer.status).not.toBe(204);
    expect(await balanceOf('int-t26')).toBe(0);
    await handlePaymentNotification(notifyDeps, { channel: 'wechat_pay', request: paid.request, now: NOW });
    const retried = await handlePaymentNotification(notifyDeps, {
      channel: 'wechat_pay',
      request: refundRequest,
      now: NOW,
    });
    expect(retried).toMatchObject({ outcome: 'refund_settled', answer: { status: 204 } });
    expect(await balanceOf('int-t26')).toBe(2_000);
  });
});

describe('approving a proposed credit', () => {
  it('credits once however many operators approve at once, and never on the proposer’s word', async () => {
    await creditAccount(
      { store, approvalThreshold: 1_000 },
      {
        tenantId: 'int-t24',
        operator: 'op1',
        creditId: 'large-credit-1',
        kind: 'manual',
        amount: 50_000,
        reason: 'goodwill',
        now: NOW,
      },
    );
    const results = await Promise.allSettled(
      ['op2', 'op3', 'op4', 'op2', 'op1'].map((operator) =>
        approveCredit({ store }, { tenantId: 'int-t24', creditId: 'large-credit-1', operator, now: NOW }),
      ),
    );
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'refused'));
    expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
    expect(outcomes[4]).toBe('refused');
    expect(await balanceOf('int-t24')).toBe(50_000);
  });
});

describe('a WeChat Pay refund reported ABNORMAL', () => {
  it('stays pending until its final result: the money is at WeChat Pay, not back with us', async () => {
    // ABNORMAL (the payer's card refused it) is not final: WeChat Pay holds the 4,000 until an operator
    // sends them on, and then reports SUCCESS. Given back to the balance at ABNORMAL, the tenant had them
    // twice: once on the balance, once on the card.
    const order = await newOrder('int-t25', 4_000, 'wechat_pay');
    const paid = providers.paymentNotification(order, { at: NOW });
    await handlePaymentNotification(notifyDeps, { channel: 'wechat_pay', request: paid.request, now: NOW });
    const { refunds } = await requestRefund(
      { store, funds, payments: providers },
      { tenantId: 'int-t25', by: 'u1', amount: 4_000, requestId: 'refund-abnormal-1', now: NOW },
    );
    const [refund] = refunds;
    if (!refund) throw new Error('no refund started');
    const result = (outcome: boolean | 'abnormal') =>
      handlePaymentNotification(notifyDeps, {
        channel: 'wechat_pay',
        request: providers.refundNotification(
          { ...refund, tradeNo: paid.tradeNo, orderAmount: 4_000 },
          'wechat_pay',
          outcome,
          NOW,
        ),
        now: NOW,
      });
    const abnormal = await result('abnormal');
    expect(abnormal).toMatchObject({ outcome: 'parked', answer: { status: 204 } });
    expect(await balanceOf('int-t25')).toBe(0);
    expect(await store.refund(refund.refundId)).toMatchObject({ status: 'pending' });
    expect(
      (await store.parked(100)).some((p) => p.reason === 'refund_abnormal' && p.orderId === order.orderId),
    ).toBe(true);
    expect((await result(true)).outcome).toBe('refund_settled');
    expect(await balanceOf('int-t25')).toBe(0);
    expect(await store.order(order.orderId)).toMatchObject({
      status: 'refunded',
      refunded: 4_000,
      refundPending: 0,
    });
  });
});
