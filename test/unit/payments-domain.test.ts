import { describe, expect, it } from 'vitest';
import { yuanText } from '../../shared/domain/money.js';
import {
  allocateRefund,
  fenFromYuanText,
  orderStatusAt,
  type PaymentOrder,
  paymentMismatch,
  reconcile,
  refundableRemainder,
  refundableTotal,
  type VerifiedPayment,
} from '../../shared/domain/payments/payments.js';

const order = (over: Partial<PaymentOrder> = {}): PaymentOrder => ({
  orderId: 'P1',
  tenantId: 't1',
  channel: 'alipay',
  amount: 10_000,
  currency: 'CNY',
  status: 'paid',
  createdAt: '2027-01-01T00:00:00.000Z',
  expiresAt: '2027-01-01T02:00:00.000Z',
  createdBy: 'u',
  idempotencyKey: 'k',
  paidAt: '2027-01-01T00:10:00.000Z',
  refunded: 0,
  refundPending: 0,
  version: 1,
  ...over,
});

const payment = (over: Partial<VerifiedPayment> = {}): VerifiedPayment => ({
  kind: 'payment',
  channel: 'alipay',
  orderId: 'P1',
  tradeNo: 'T1',
  amount: 10_000,
  currency: 'CNY',
  appId: 'app',
  merchantId: 'mch',
  paidAt: '2027-01-01T00:10:00.000Z',
  succeeded: true,
  ...over,
});
const merchant = { appId: 'app', merchantId: 'mch' };

describe('a verified payment must match its order', () => {
  it('matches only with the same channel, app, merchant, currency and amount', () => {
    expect(paymentMismatch(order(), payment(), merchant)).toBeUndefined();
    expect(paymentMismatch(order(), payment({ channel: 'wechat_pay' }), merchant)).toBe('channel_mismatch');
    expect(paymentMismatch(order(), payment({ appId: 'x' }), merchant)).toBe('app_mismatch');
    expect(paymentMismatch(order(), payment({ merchantId: 'x' }), merchant)).toBe('merchant_mismatch');
    expect(paymentMismatch(order(), payment({ currency: 'USD' }), merchant)).toBe('currency_mismatch');
    expect(paymentMismatch(order(), payment({ amount: 9_999 }), merchant)).toBe('amount_mismatch');
  });

  it('reads yuan text exactly, without floating point', () => {
    expect(fenFromYuanText('88.80')).toBe(8_880);
    expect(fenFromYuanText('0.07')).toBe(7);
    expect(fenFromYuanText('12')).toBe(1_200);
    expect(fenFromYuanText('1.005')).toBeUndefined();
    expect(fenFromYuanText('-1.00')).toBeUndefined();
    expect(yuanText(8_880)).toBe('88.80');
    expect(yuanText(7)).toBe('0.07');
  });

  it('shows a created order past its expiry as expired', () => {
    const created = order({ status: 'created' });
    expect(orderStatusAt(created, new Date('2027-01-01T01:59:59Z'))).toBe('created');
    expect(orderStatusAt(created, new Date('2027-01-01T02:00:00Z'))).toBe('expired');
    expect(orderStatusAt(order(), new Date('2030-01-01T00:00:00Z'))).toBe('paid');
  });
});

describe('refunds only of money paid in', () => {
  const older = order({ orderId: 'A', paidAt: '2027-01-01T00:00:00Z', amount: 3_000 });
  const newer = order({
    orderId: 'B',
    channel: 'wechat_pay',
    paidAt: '2027-01-02T00:00:00Z',
    amount: 5_000,
    refunded: 1_000,
  });

  it('keeps each payment’s remainder, nothing for unpaid orders', () => {
    expect(refundableRemainder(newer)).toBe(4_000);
    expect(refundableRemainder(order({ status: 'created' }))).toBe(0);
    expect(refundableRemainder(order({ refundPending: 10_000 }))).toBe(0);
  });

  it('never exceeds the balance less non-refundable credit', () => {
    expect(refundableTotal([older, newer], 100_000, 0)).toBe(7_000);
    expect(refundableTotal([older, newer], 100_000, 95_000)).toBe(5_000);
    expect(refundableTotal([older, newer], 2_000, 5_000)).toBe(0);
  });

  it('splits a refund oldest first, each part to its payment’s channel', () => {
    expect(allocateRefund([newer, older], 4_000, 7_000)).toEqual([
      { orderId: 'A', channel: 'alipay', amount: 3_000 },
      { orderId: 'B', channel: 'wechat_pay', amount: 1_000 },
    ]);
    expect(allocateRefund([newer, older], 7_001, 100_000)).toBeUndefined();
    expect(allocateRefund([newer, older], 10, 5)).toBeUndefined();
    expect(allocateRefund([newer, older], 0, 5)).toBeUndefined();
  });
});

describe('reconciliation', () => {
  it('names what is missing, extra or of another amount', () => {
    const differences = reconcile(
      [
        { orderId: 'A', tradeNo: 'T1', amount: 100 },
        { orderId: 'B', tradeNo: 'T2', amount: 200 },
      ],
      [
        { orderId: 'B', tradeNo: 'T2', amount: 250 },
        { orderId: 'C', tradeNo: 'T3', amount: 300 },
      ],
    );
    expect(differences).toEqual([
      { kind: 'amount', orderId: 'B', tradeNo: 'T2', recorded: 200, statement: 250 },
      { kind: 'missing', orderId: 'C', tradeNo: 'T3', statement: 300 },
      { kind: 'extra', orderId: 'A', tradeNo: 'T1', recorded: 100 },
    ]);
    expect(
      reconcile([{ orderId: 'A', tradeNo: 'T1', amount: 1 }], [{ orderId: 'A', tradeNo: 'T1', amount: 1 }]),
    ).toEqual([]);
  });
});
