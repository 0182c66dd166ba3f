import { OPERATOR, TENANT_READ, TENANT_WRITE } from '../roles.js';
import type { RouteDefinition } from '../routes.js';

const PAYMENTS = 'payments';

/**
 * Money comes in only through these: a payment order paid at a provider (credited by its verified webhook,
 * shared/http/webhooks.ts) or an operator's recorded credit. Routes that call a provider read the merchant
 * secret (PAYMENT_SECRET_ROUTES).
 */
export const PAYMENT_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'createPaymentOrder',
    method: 'POST',
    path: '/v1/payments',
    entry: 'functions/api/payments/create.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    rateLimit: 'write',
    summary:
      'Create a payment order (alipay, wechat_pay or bank_transfer; Idempotency-Key header required): what the payer needs, a pay URL / QR content or our bank account and a transfer reference',
    tag: PAYMENTS,
  },
  {
    id: 'listPaymentOrders',
    method: 'GET',
    path: '/v1/payments',
    entry: 'functions/api/payments/list.ts',
    roles: TENANT_READ,
    tables: { ledger: 'read' },
    rateLimit: 'read',
    capabilities: ['cursors'],
    summary:
      'Payment orders, newest first: created, paid, expired, partly refunded or refunded, and what is still refundable',
    tag: PAYMENTS,
  },
  {
    id: 'requestRefund',
    method: 'POST',
    path: '/v1/refunds',
    entry: 'functions/api/payments/refund.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write', ops: 'write' },
    capabilities: ['notifications'],
    rateLimit: 'write',
    summary:
      'Refund money paid in and not spent (Idempotency-Key header required): oldest payment first, back to its channel; promotional credit is never refunded',
    tag: PAYMENTS,
  },
  {
    id: 'createCredit',
    method: 'POST',
    path: '/v1/accounts/{tenantId}/credits',
    entry: 'functions/api/payments/credit.ts',
    roles: OPERATOR,
    rateLimit: 'write',
    // numbers and routing: a credit that ends arrears restores the stopped numbers at once.
    tables: { ledger: 'write', ops: 'write', numbers: 'write', routing: 'write' },
    capabilities: ['notifications'],
    summary:
      'Operators: record a received bank transfer (by its reference), a manual or a promotional (non-refundable) credit, with a reason; above the approval amount it is proposed for a second operator (Idempotency-Key header required)',
    tag: PAYMENTS,
  },
  {
    id: 'approveCredit',
    method: 'POST',
    path: '/v1/accounts/{tenantId}/credits/{creditId}/approval',
    entry: 'functions/api/payments/approve-credit.ts',
    roles: OPERATOR,
    rateLimit: 'write',
    tables: { ledger: 'write', ops: 'write', numbers: 'write', routing: 'write' },
    capabilities: ['notifications'],
    summary: 'Operators: approve a proposed credit (another operator than the one who proposed it)',
    tag: PAYMENTS,
  },
  {
    id: 'listPendingRefunds',
    method: 'GET',
    path: '/v1/refunds/pending',
    entry: 'functions/api/payments/pending-refunds.ts',
    roles: OPERATOR,
    rateLimit: 'read',
    tables: { ledger: 'read' },
    summary:
      "Operators: refunds waiting for a result, oldest first (bank-transfer refunds are finance's to pay out)",
    tag: PAYMENTS,
  },
  {
    id: 'settleRefund',
    method: 'POST',
    path: '/v1/refunds/{refundId}/settlement',
    entry: 'functions/api/payments/settle-refund.ts',
    roles: OPERATOR,
    rateLimit: 'write',
    tables: { ledger: 'write', ops: 'write' },
    capabilities: ['notifications'],
    summary:
      'Operators: record what the bank did with a bank-transfer refund (paid out, or failed: the money goes back to the balance), with a reason; a failure above the credit approval amount is only proposed (202) for a second operator',
    tag: PAYMENTS,
  },
  {
    id: 'confirmRefundFailure',
    method: 'POST',
    path: '/v1/refunds/{refundId}/settlement/confirmation',
    entry: 'functions/api/payments/confirm-refund-failure.ts',
    roles: OPERATOR,
    rateLimit: 'write',
    tables: { ledger: 'write', ops: 'write' },
    capabilities: ['notifications'],
    summary:
      'Operators: confirm a proposed refund failure (another operator than the one who proposed it): the money goes back to the balance, once',
    tag: PAYMENTS,
  },
  {
    id: 'listParkedPayments',
    method: 'GET',
    path: '/v1/payments/parked',
    entry: 'functions/api/payments/parked.ts',
    roles: OPERATOR,
    rateLimit: 'read',
    tables: { ledger: 'read' },
    summary:
      'Operators: verified notifications that could not be credited (amount or currency mismatch, unknown order, paid twice)',
    tag: PAYMENTS,
  },
];

/** Routes whose function reads the merchant secret (they call a provider's API). */
export const PAYMENT_SECRET_ROUTES: ReadonlySet<string> = new Set(['createPaymentOrder', 'requestRefund']);
