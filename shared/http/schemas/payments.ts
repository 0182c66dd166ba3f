/**
 * Request schemas of payments: orders, refunds and operator credits. Money is integer fen; every object is
 * strict, so an unknown field is a 400 naming it.
 */
import * as z from 'zod/mini';
import { invalid } from '../../domain/errors.js';
import {
  CREDIT_KINDS,
  MAX_ORDER_FEN,
  MIN_ORDER_FEN,
  PAYMENT_CHANNELS,
} from '../../domain/payments/payments.js';
import { cursorParam, fen, limitParam } from './common.js';
import type { RouteSchemas } from './types.js';

const tenantIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tenant id'));
const creditIdParam = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'a credit id'));

export const createPaymentBody = z.strictObject({
  amount: fen(MAX_ORDER_FEN, MIN_ORDER_FEN),
  channel: z.enum(PAYMENT_CHANNELS),
});
export const paymentsQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });
export const refundBody = z.strictObject({ amount: fen(MAX_ORDER_FEN) });
export const creditPath = z.strictObject({ tenantId: tenantIdParam });
export const creditBody = z.strictObject({
  amount: fen(MAX_ORDER_FEN),
  kind: z.enum(CREDIT_KINDS),
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
  reference: z.optional(z.string().check(z.regex(/^[A-Z0-9]{6,32}$/, 'a transfer reference'))),
});
export const approveCreditPath = z.strictObject({ tenantId: tenantIdParam, creditId: creditIdParam });
export const parkedQuery = z.strictObject({ limit: limitParam });
export const settleRefundPath = z.strictObject({
  refundId: z.string().check(z.regex(/^R[0-9a-f]{24}$/, 'a refund id')),
});
export const settleRefundBody = z.strictObject({
  succeeded: z.boolean(),
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
});

/** What an Idempotency-Key may be: 8–128 letters, digits or _.:- (declared in OpenAPI from here too). */
export const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The Idempotency-Key header every money-moving POST needs. */
export function idempotencyKeyOf(headers: Readonly<Record<string, string | undefined>>): string {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  if (!key) throw invalid('idempotency_key_required', 'send an Idempotency-Key header', 'Idempotency-Key');
  if (!idempotencyKeyPattern.test(key))
    throw invalid(
      'invalid_idempotency_key',
      'Idempotency-Key: 8–128 letters, digits or _.:-',
      'Idempotency-Key',
    );
  return key;
}

const orderView = z.object({
  orderId: z.string(),
  channel: z.enum(PAYMENT_CHANNELS),
  amount: z.number(),
  currency: z.string(),
  status: z.enum(['created', 'paid', 'expired', 'partly_refunded', 'refunded']),
  createdAt: z.string(),
  expiresAt: z.string(),
  paidAt: z.optional(z.string()),
  refunded: z.number(),
  refundPending: z.number(),
  refundable: z.number(),
  transferReference: z.optional(z.string()),
});

/** What the payer needs: a pay URL or QR content (Alipay, WeChat Pay), or our account and a reference (bank). */
const createdOrder = z.object({
  ...orderView.shape,
  payUrl: z.optional(z.string()),
  qrCode: z.optional(z.string()),
  bankAccount: z.optional(
    z.object({ accountName: z.string(), accountNumber: z.string(), bankName: z.string() }),
  ),
});

const refundRecord = z.object({
  refundId: z.string(),
  tenantId: z.string(),
  orderId: z.string(),
  channel: z.enum(PAYMENT_CHANNELS),
  amount: z.number(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  requestedAt: z.string(),
  requestedBy: z.string(),
  failureProposal: z.optional(z.object({ by: z.string(), reason: z.string(), at: z.string() })),
});

const operatorCredit = z.object({
  creditId: z.string(),
  tenantId: z.string(),
  kind: z.enum(CREDIT_KINDS),
  amount: z.number(),
  reason: z.string(),
  reference: z.optional(z.string()),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(['proposed', 'credited', 'rejected']),
  approvedBy: z.optional(z.string()),
  creditedAt: z.optional(z.string()),
});

const creditOutcome = z.object({ outcome: z.string(), credit: operatorCredit });

const parkedNotification = z.object({
  channel: z.enum(['alipay', 'wechat_pay']),
  reason: z.string(),
  orderId: z.string(),
  tradeNo: z.string(),
  amount: z.number(),
  at: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const PAYMENT_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  createPaymentOrder: { body: createPaymentBody, status: 201, response: createdOrder },
  listPaymentOrders: {
    query: paymentsQuery,
    response: z.object({ items: z.array(orderView), nextCursor: z.optional(z.string()) }),
  },
  requestRefund: {
    body: refundBody,
    status: 202,
    response: z.object({ duplicate: z.boolean(), refunds: z.array(refundRecord) }),
  },
  createCredit: { path: creditPath, body: creditBody, status: 201, response: creditOutcome },
  approveCredit: { path: approveCreditPath, status: 201, response: creditOutcome },
  listParkedPayments: { query: parkedQuery, response: z.object({ items: z.array(parkedNotification) }) },
  listPendingRefunds: { query: parkedQuery, response: z.object({ items: z.array(refundRecord) }) },
  settleRefund: {
    path: settleRefundPath,
    body: settleRefundBody,
    response: z.object({ outcome: z.string(), refund: refundRecord }),
  },
  confirmRefundFailure: {
    path: settleRefundPath,
    status: 201,
    response: z.object({ outcome: z.string(), refund: refundRecord }),
  },
};
