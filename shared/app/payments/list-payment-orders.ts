/**
 * Primary course: a tenant reads its payment orders, newest first, each with the state it is in now
 * (a created order past its expiry reads as expired) and what of it may still be refunded.
 */
import { orderStatusAt, type PaymentOrder, refundableRemainder } from '../../domain/payments/payments.js';
import type { Page } from '../../ports/paging.js';
import type { PaymentStore } from '../../ports/payments.js';

export interface PaymentOrderView {
  readonly orderId: string;
  readonly channel: PaymentOrder['channel'];
  readonly amount: number;
  readonly currency: string;
  readonly status: PaymentOrder['status'];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly paidAt?: string;
  readonly refunded: number;
  readonly refundPending: number;
  readonly refundable: number;
  readonly transferReference?: string;
}

export function paymentOrderView(order: PaymentOrder, now: Date): PaymentOrderView {
  return {
    orderId: order.orderId,
    channel: order.channel,
    amount: order.amount,
    currency: order.currency,
    status: orderStatusAt(order, now),
    createdAt: order.createdAt,
    expiresAt: order.expiresAt,
    ...(order.paidAt ? { paidAt: order.paidAt } : {}),
    refunded: order.refunded,
    refundPending: order.refundPending,
    refundable: refundableRemainder(order),
    ...(order.transferReference ? { transferReference: order.transferReference } : {}),
  };
}

export async function listPaymentOrders(
  deps: { readonly store: PaymentStore },
  input: { readonly tenantId: string; readonly limit: number; readonly cursor?: string; readonly now: Date },
): Promise<Page<PaymentOrderView>> {
  const page = await deps.store.listOrders(input.tenantId, input.limit, input.cursor);
  return { ...page, items: page.items.map((o) => paymentOrderView(o, input.now)) };
}
