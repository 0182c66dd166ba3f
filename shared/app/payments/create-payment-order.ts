/**
 * Primary course: a tenant-admin asks to pay `amount` fen through a channel; we store an order under the
 * request's Idempotency-Key and answer what the payer needs (pay URL / QR content, or our bank account and
 * the transfer reference). Nothing is credited here: money arrives only through a verified notification.
 */
import { conflict, invalid } from '../../domain/errors.js';
import {
  CURRENCY,
  MAX_ORDER_FEN,
  MIN_ORDER_FEN,
  ORDER_LIFETIME_MS,
  type PaymentChannel,
  type PaymentOrder,
} from '../../domain/payments/payments.js';
import type { ChargeInstructions, PaymentStore, PaymentsPort } from '../../ports/payments.js';

export interface CreatePaymentOrderDeps {
  readonly store: PaymentStore;
  readonly payments: PaymentsPort;
  /** A new order id: 6–32 letters and digits (WeChat Pay's out_trade_no limit). */
  readonly newOrderId: () => string;
}

export interface CreatePaymentOrderInput {
  readonly tenantId: string;
  readonly by: string;
  readonly amount: number;
  readonly channel: PaymentChannel;
  readonly idempotencyKey: string;
  readonly now: Date;
}

export interface CreatedPaymentOrder {
  readonly order: PaymentOrder;
  readonly instructions: ChargeInstructions;
  readonly replayed: boolean;
}

/** Bank transfers carry a reference the payer writes on the transfer; derived from the order id, unique with it. */
export const transferReferenceOf = (orderId: string) => `HL${orderId.slice(-10).toUpperCase()}`;

export async function createPaymentOrder(
  deps: CreatePaymentOrderDeps,
  input: CreatePaymentOrderInput,
): Promise<CreatedPaymentOrder> {
  if (!Number.isSafeInteger(input.amount) || input.amount < MIN_ORDER_FEN || input.amount > MAX_ORDER_FEN)
    throw invalid('invalid_amount', `amount: whole fen from ${MIN_ORDER_FEN} to ${MAX_ORDER_FEN}`, 'amount');
  const orderId = deps.newOrderId();
  const order: PaymentOrder = {
    orderId,
    tenantId: input.tenantId,
    channel: input.channel,
    amount: input.amount,
    currency: CURRENCY,
    status: 'created',
    createdAt: input.now.toISOString(),
    expiresAt: new Date(input.now.getTime() + ORDER_LIFETIME_MS[input.channel]).toISOString(),
    createdBy: input.by,
    idempotencyKey: input.idempotencyKey,
    ...(input.channel === 'bank_transfer' ? { transferReference: transferReferenceOf(orderId) } : {}),
    refunded: 0,
    refundPending: 0,
    version: 0,
  };
  const stored = await deps.store.createOrder(order);
  // Variation: the same Idempotency-Key again answers the first order; with another body it is a 409.
  if (!stored.created && (stored.order.amount !== order.amount || stored.order.channel !== order.channel))
    throw conflict('idempotency_conflict', 'this Idempotency-Key was used for another payment order', {
      orderId: stored.order.orderId,
    });
  const provider = await deps.payments.provider(stored.order.channel);
  const instructions = await provider.createCharge(stored.order);
  return { order: stored.order, instructions, replayed: !stored.created };
}
