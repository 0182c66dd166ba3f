/**
 * Issue 13 item 6: every function that moves money decides the balance alerts at the refusal point of the
 * tariff in force, which it reads from the stored tariff versions (ops table, TARIFFS items). A route's
 * own ops grant is only its rate windows (RATE# keys), so each row must list ops itself.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { ROUTES } from '../../shared/http/routes.js';
import { WEBHOOK_ROUTES } from '../../shared/http/webhooks.js';

/** The rows whose functions post to the ledger or credit, debit or refund an account, and why. */
const MONEY_MOVERS: Readonly<Record<string, string>> = {
  decideApplication: 'the approval debits the opening fee',
  decideTransfer: "the old owner's fees are settled",
  createCredit: 'an operator credit',
  approveCredit: 'an approved operator credit',
  requestRefund: 'a refund debits the balance',
  settleRefund: 'a failed refund gives the money back',
  confirmRefundFailure: 'a confirmed refund failure gives the money back',
  resolveParkedCall: 'charges a parked call',
  alipayNotify: 'a payment or refund result',
  wechatPayNotify: 'a payment or refund result',
  numberActivationWorker: 'a failed activation gives the fee back',
  ctrIngest: 'charges calls',
  billingWorker: 'monthly charges',
  billingContracts: 'a contract ending settles',
  numberRetentionExpiry: 'a cancellation settles',
  numberCancellationNotice: 'a cancellation settles',
  numberArrears: 'a cancellation after the window settles',
  numberEffects: 'retried settlements',
  paymentsRefundRetry: 'a refused refund gives the money back',
};

describe('rows that move money', () => {
  const rows = [...ROUTES, ...WEBHOOK_ROUTES, ...FUNCTIONS, ...JOBS];

  it('exist, and read the stored tariff versions behind the refusal point', () => {
    for (const [id, why] of Object.entries(MONEY_MOVERS)) {
      const row = rows.find((r) => r.id === id);
      expect(row, id).toBeDefined();
      expect(row?.tables.ledger, `${id}: ${why}`).toBe('write');
      expect(['read', 'write'], `${id}: ${why}`).toContain(row?.tables.ops);
    }
  });
});
