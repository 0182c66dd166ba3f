/**
 * Bank-transfer refund results recorded by operators, on the embedded engine through the DynamoDB payment
 * store: a failure puts money back on a balance, so above the credits' approval amount one operator only
 * proposes it and a second, different operator's confirmation returns the money, once, however many confirm
 * at the same time. A success, and anything at or below the approval amount, stays one operator's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPaymentStore } from '../../shared/adapters/dynamo/payment-store.js';
import { dynamoPrepaidFunds } from '../../shared/adapters/dynamo/prepaid-funds.js';
import { LocalPaymentProviders } from '../../shared/adapters/payments/local-provider.js';
import { createPaymentOrder } from '../../shared/app/payments/create-payment-order.js';
import { creditAccount } from '../../shared/app/payments/credit-account.js';
import { requestRefund } from '../../shared/app/payments/request-refund.js';
import {
  confirmRefundFailure,
  settleRefundByOperator,
} from '../../shared/app/payments/settle-refund-by-operator.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ledger } from '../../shared/runtime/ledger.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { refusalRateAt } from '../../shared/runtime/tariffs.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';

const NOW = new Date('2027-03-01T02:00:00.000Z');
/** ¥10,000: the credits' default approval amount; a failure above it takes two operators. */
const THRESHOLD = 1_000_000;
let db: TestDatabase;
const store = new DynamoPaymentStore('Asia/Shanghai', async () => undefined, refusalRateAt);
const providers = new LocalPaymentProviders();
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

const balanceOf = async (tenantId: string) => (await ledger().account(tenantId, NOW)).account.balance;
const settle = (refundId: string, operator: string, succeeded: boolean) =>
  settleRefundByOperator(
    { store, approvalThreshold: THRESHOLD },
    { refundId, operator, succeeded, reason: 'bank statement line 42', now: NOW },
  );
const confirm = (refundId: string, operator: string) =>
  confirmRefundFailure({ store }, { refundId, operator, now: NOW });

/** A tenant paid `paid` fen by bank transfer (recorded by an operator) and asked for `refunded` back. */
async function pendingBankRefund(tenantId: string, paid: number, refunded: number) {
  ids += 1;
  const { order } = await createPaymentOrder(
    { store, payments: providers, newOrderId: () => `P${String(900 + ids).padStart(24, '0')}` },
    {
      tenantId,
      by: 'u1',
      amount: paid,
      channel: 'bank_transfer',
      idempotencyKey: `settle-order-${ids}`,
      now: NOW,
    },
  );
  await creditAccount(
    // The payment itself is not under test: one operator records it.
    { store, approvalThreshold: 100_000_000 },
    {
      tenantId,
      operator: 'op-finance',
      creditId: `settle-credit-${ids}`,
      kind: 'bank_transfer',
      amount: paid,
      reason: 'transfer received',
      ...(order.transferReference ? { reference: order.transferReference } : {}),
      now: NOW,
    },
  );
  const { refunds } = await requestRefund(
    { store, funds: dynamoPrepaidFunds(), payments: providers },
    { tenantId, by: 'u1', amount: refunded, requestId: `settle-refund-${ids}`, now: NOW },
  );
  const [refund] = refunds;
  if (refund?.status !== 'pending') throw new Error('the bank refund is not pending');
  return { order, refund };
}

describe('a refund failure above the approval amount', () => {
  it('is only proposed by one operator: nothing moves, and the proposer cannot confirm it', async () => {
    // Paid 1,500,000, refund 1,200,000 asked: 300,000 left on the balance.
    const { order, refund } = await pendingBankRefund('int-s1', 1_500_000, 1_200_000);
    expect(await balanceOf('int-s1')).toBe(300_000);

    const proposed = await settle(refund.refundId, 'op1', false);
    expect(proposed.outcome).toBe('proposed');
    expect(proposed.refund).toMatchObject({
      status: 'pending',
      failureProposal: { by: 'op1', reason: 'bank statement line 42', at: NOW.toISOString() },
    });
    expect(await balanceOf('int-s1')).toBe(300_000);
    expect(await store.order(order.orderId)).toMatchObject({ refundPending: 1_200_000, refunded: 0 });
    // Proposing again, by anyone, is no confirmation.
    expect((await settle(refund.refundId, 'op2', false)).outcome).toBe('proposed');
    expect((await store.refund(refund.refundId))?.failureProposal?.by).toBe('op1');
    expect(await balanceOf('int-s1')).toBe(300_000);

    await expect(confirm(refund.refundId, 'op1')).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'second_operator_required',
    });
    expect(await balanceOf('int-s1')).toBe(300_000);
    expect(await store.refund(refund.refundId)).toMatchObject({ status: 'pending' });
  });

  it('returns the money once when a second operator confirms, however many confirm at once', async () => {
    // Paid 2,000,000, refund 1,800,000 asked: 200,000 left; the failure gives 1,800,000 back: 2,000,000.
    const { order, refund } = await pendingBankRefund('int-s2', 2_000_000, 1_800_000);
    expect(await balanceOf('int-s2')).toBe(200_000);
    await expect(confirm(refund.refundId, 'op2')).rejects.toMatchObject({ code: 'failure_not_proposed' });
    expect((await settle(refund.refundId, 'op1', false)).outcome).toBe('proposed');

    const results = await Promise.allSettled(
      ['op2', 'op3', 'op4', 'op2', 'op1'].map((operator) => confirm(refund.refundId, operator)),
    );
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'refused'));
    expect(outcomes.filter((o) => o === 'settled')).toHaveLength(1);
    expect(outcomes.slice(0, 4).filter((o) => o === 'duplicate')).toHaveLength(3);
    expect(outcomes[4]).toBe('refused');
    expect(await balanceOf('int-s2')).toBe(2_000_000);
    expect(await store.refund(refund.refundId)).toMatchObject({ status: 'failed' });
    expect(await store.order(order.orderId)).toMatchObject({ refundPending: 0, refunded: 0 });
    // Confirming again, or recording it again, moves nothing.
    expect((await confirm(refund.refundId, 'op3')).outcome).toBe('duplicate');
    expect((await settle(refund.refundId, 'op3', false)).outcome).toBe('duplicate');
    expect(await balanceOf('int-s2')).toBe(2_000_000);
  });

  it('gives way to the bank having paid: a success stays one operator’s, and nothing comes back', async () => {
    // Paid 1,600,000, refund 1,100,000: 500,000 left, and it stays so.
    const { order, refund } = await pendingBankRefund('int-s3', 1_600_000, 1_100_000);
    expect((await settle(refund.refundId, 'op1', false)).outcome).toBe('proposed');
    expect((await settle(refund.refundId, 'op1', true)).outcome).toBe('settled');
    await expect(confirm(refund.refundId, 'op2')).rejects.toMatchObject({ code: 'refund_paid_out' });
    expect(await balanceOf('int-s3')).toBe(500_000);
    expect(await store.order(order.orderId)).toMatchObject({ refundPending: 0, refunded: 1_100_000 });
  });
});

describe('concurrent confirmations, whatever the amount and whoever confirms', () => {
  it('return the refund to the balance exactly once when another operator than the proposer is among them', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Paid 2,000,000; the refund is above the approval amount, up to all of it.
        fc.integer({ min: THRESHOLD + 1, max: 2_000_000 }),
        fc.array(fc.constantFrom('op1', 'op2', 'op3'), { minLength: 1, maxLength: 6 }),
        async (amount, confirmers) => {
          const tenantId = `int-sp${++run}`;
          const { refund } = await pendingBankRefund(tenantId, 2_000_000, amount);
          await settle(refund.refundId, 'op1', false);
          const results = await Promise.allSettled(confirmers.map((op) => confirm(refund.refundId, op)));
          const settled = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'settled');
          const another = confirmers.some((op) => op !== 'op1');
          expect(settled).toHaveLength(another ? 1 : 0);
          expect(await balanceOf(tenantId)).toBe(another ? 2_000_000 : 2_000_000 - amount);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('a refund failure at or below the approval amount', () => {
  it('is settled by one operator, as before', async () => {
    // Paid 1,200,000, refund exactly 1,000,000: 200,000 left; the failure gives it back: 1,200,000.
    const { refund } = await pendingBankRefund('int-s4', 1_200_000, 1_000_000);
    expect(await balanceOf('int-s4')).toBe(200_000);
    const settled = await settle(refund.refundId, 'op1', false);
    expect(settled.outcome).toBe('settled');
    expect(settled.refund).toMatchObject({ status: 'failed' });
    expect(await balanceOf('int-s4')).toBe(1_200_000);
  });
});
