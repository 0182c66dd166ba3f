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
import type { RouteSchemas } from './types.js';

const fen = (min: number, max: number) =>
  z
    .number()
    .check(
      z.refine(
        (n) => Number.isSafeInteger(n) && n >= min && n <= max,
        `must be a whole number of fen from ${min} to ${max}`,
      ),
    );

const limitParam = z.optional(
  z
    .pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number')), z.transform(Number))
    .check(z.refine((n) => n >= 1 && n <= 100, 'must be between 1 and 100')),
);
const cursorParam = z.optional(z.string().check(z.minLength(1), z.maxLength(1024)));
const tenantIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tenant id'));
const creditIdParam = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'a credit id'));

export const createPaymentBody = z.strictObject({
  amount: fen(MIN_ORDER_FEN, MAX_ORDER_FEN),
  channel: z.enum(PAYMENT_CHANNELS),
});
export const paymentsQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });
export const refundBody = z.strictObject({ amount: fen(1, MAX_ORDER_FEN) });
export const creditPath = z.strictObject({ tenantId: tenantIdParam });
export const creditBody = z.strictObject({
  amount: fen(1, MAX_ORDER_FEN),
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

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The Idempotency-Key header every money-moving POST needs. */
export function idempotencyKeyOf(headers: Readonly<Record<string, string | undefined>>): string {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  if (!key) throw invalid('idempotency_key_required', 'send an Idempotency-Key header', 'Idempotency-Key');
  if (!IDEMPOTENCY_KEY.test(key))
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

export const PAYMENT_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  createPaymentOrder: { body: createPaymentBody, status: 201 },
  listPaymentOrders: {
    query: paymentsQuery,
    response: z.object({ items: z.array(orderView), nextCursor: z.optional(z.string()) }),
  },
  requestRefund: { body: refundBody, status: 202 },
  createCredit: { path: creditPath, body: creditBody, status: 201 },
  approveCredit: { path: approveCreditPath, status: 201 },
  listParkedPayments: { query: parkedQuery },
  listPendingRefunds: { query: parkedQuery },
  settleRefund: { path: settleRefundPath, body: settleRefundBody },
};
