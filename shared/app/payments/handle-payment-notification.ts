/**
 * Primary course: a provider's asynchronous notification arrives at its webhook; its signature is checked
 * with the provider's keys (never trusting anything inside before that), it must match its order (our app
 * and merchant ids, currency, the exact amount), and then the order is marked paid and the balance credited
 * in one transaction, once per provider trade number. The provider gets its documented success answer.
 *
 * Variations: a forged, tampered, stale or mismatched notification is never credited: it gets the
 * provider's failure answer and is logged and counted; a notification of money we cannot attribute
 * (amount or currency mismatch, an unknown order, a second payment of a paid order) is parked for
 * operators. A repeat of a credited notification is answered success and changes nothing. Refund results
 * are verified the same way and settle the refund they name (one the provider holds for manual handling
 * stays pending, parked for operators); a refund we never requested (made in the provider's console) is
 * debited from the balance, since the payer has the money back.
 */
import {
  type NotifyingChannel,
  paymentMismatch,
  refundableRemainder,
  type VerifiedPayment,
  type VerifiedRefund,
} from '../../domain/payments/payments.js';
import { localDay } from '../../domain/zoned-time.js';
import type {
  NotificationRequest,
  NotifyingProvider,
  PaymentStore,
  PaymentsMonitor,
  PaymentsPort,
  WebhookAnswer,
} from '../../ports/payments.js';

export interface HandleNotificationDeps {
  readonly store: PaymentStore;
  readonly payments: PaymentsPort;
  readonly monitor: PaymentsMonitor;
  /** The business zone whose day a payment belongs to (reconciliation reads by it). */
  readonly zone: string;
  /** After a credit (e.g. numbers stopped for arrears come back at once); failures here never undo a credit. */
  readonly afterCredit?: (tenantId: string, at: string) => Promise<void>;
}

export type NotificationOutcome =
  | 'credited'
  | 'duplicate'
  | 'ignored'
  | 'rejected'
  | 'parked'
  | 'refund_settled';

export interface HandledNotification {
  readonly outcome: NotificationOutcome;
  readonly reason?: string;
  readonly answer: WebhookAnswer;
}

export async function handlePaymentNotification(
  deps: HandleNotificationDeps,
  input: { readonly channel: NotifyingChannel; readonly request: NotificationRequest; readonly now: Date },
): Promise<HandledNotification> {
  const provider = await deps.payments.provider(input.channel);
  const verified = await provider.verifyNotification(input.request, input.now);
  if (!verified.ok) return reject(deps, provider, verified.reason, {});
  const notification = verified.notification;
  if (notification.kind === 'refund') return settleRefund(deps, provider, notification, input.now);
  return creditPayment(deps, provider, notification, input.now);
}

function reject(
  deps: HandleNotificationDeps,
  provider: NotifyingProvider,
  reason: string,
  detail: Record<string, unknown>,
  outcome: 'rejected' | 'parked' = 'rejected',
): HandledNotification {
  deps.monitor.notificationRejected(provider.channel, reason, { ...detail, parked: outcome === 'parked' });
  return { outcome, reason, answer: provider.answer(false) };
}

async function creditPayment(
  deps: HandleNotificationDeps,
  provider: NotifyingProvider,
  payment: VerifiedPayment,
  now: Date,
): Promise<HandledNotification> {
  const at = now.toISOString();
  const detail = { orderId: payment.orderId, tradeNo: payment.tradeNo, amount: payment.amount };
  // Variation: "waiting for the buyer" or "closed" moves no money; acknowledged so the provider stops.
  if (!payment.succeeded) return { outcome: 'ignored', answer: provider.answer(true) };
  const park = async (reason: string, extra: Record<string, string | number> = {}) => {
    await deps.store.park({
      channel: provider.channel,
      reason,
      orderId: payment.orderId,
      tradeNo: payment.tradeNo,
      amount: payment.amount,
      at,
      detail: { currency: payment.currency, appId: payment.appId, merchantId: payment.merchantId, ...extra },
    });
    return reject(deps, provider, reason, detail, 'parked');
  };
  const order = await deps.store.order(payment.orderId);
  if (!order) return park('unknown_order');
  const mismatch = paymentMismatch(order, payment, await provider.merchant());
  if (mismatch === 'amount_mismatch' || mismatch === 'currency_mismatch')
    return park(mismatch, { orderAmount: order.amount, tenantId: order.tenantId });
  if (mismatch) return reject(deps, provider, mismatch, detail);
  if (order.status !== 'created') {
    if (order.providerTradeNo === payment.tradeNo)
      return { outcome: 'duplicate', answer: provider.answer(true) };
    return park('order_already_paid', { paidBy: order.providerTradeNo ?? '', tenantId: order.tenantId });
  }
  // An order paid after its expiry is still credited: the provider says the money was received.
  const day = localDay(deps.zone, Date.parse(payment.paidAt) || now.getTime());
  const outcome = await deps.store.creditPayment(order, { tradeNo: payment.tradeNo, at, day });
  if (outcome === 'duplicate') return { outcome: 'duplicate', answer: provider.answer(true) };
  if (outcome === 'not_payable') return park('order_already_paid', { tenantId: order.tenantId });
  await deps.afterCredit?.(order.tenantId, at).catch(() => undefined);
  return { outcome: 'credited', answer: provider.answer(true) };
}

/** What a refund notification's monitoring and parking name it by. */
const refundDetail = (result: VerifiedRefund) => ({
  orderId: result.orderId,
  refundId: result.refundId,
  amount: result.amount,
});

async function settleRefund(
  deps: HandleNotificationDeps,
  provider: NotifyingProvider,
  result: VerifiedRefund,
  now: Date,
): Promise<HandledNotification> {
  const detail = refundDetail(result);
  const merchant = await provider.merchant();
  if (
    result.merchantId !== merchant.merchantId ||
    (result.appId !== undefined && result.appId !== merchant.appId)
  )
    return reject(deps, provider, 'merchant_mismatch', detail);
  const refund = await deps.store.refund(result.refundId);
  if (!refund) return recordProviderRefund(deps, provider, result, now);
  if (refund.orderId !== result.orderId || refund.channel !== provider.channel)
    return reject(deps, provider, 'unknown_refund', detail);
  if (refund.amount !== result.amount) return reject(deps, provider, 'refund_amount_mismatch', detail);
  // Variation: held by the provider for manual handling: still on its way, so it stays pending (debited and
  // reserved), parked so operators handle it at the provider; its final result settles it.
  if (result.held && !result.succeeded) {
    await parkRefund(deps, provider, 'refund_abnormal', result, now.toISOString(), {
      tenantId: refund.tenantId,
    });
    deps.monitor.notificationRejected(provider.channel, 'refund_abnormal', { ...detail, parked: true });
    return { outcome: 'parked', reason: 'refund_abnormal', answer: provider.answer(true) };
  }
  const settled = await deps.store.settleRefund(refund, result.succeeded, now.toISOString());
  return { outcome: settled === 'settled' ? 'refund_settled' : 'duplicate', answer: provider.answer(true) };
}

/** A refund result parked for operators, once per refund (the provider retries it): its number is the key. */
function parkRefund(
  deps: HandleNotificationDeps,
  provider: NotifyingProvider,
  reason: string,
  result: VerifiedRefund,
  at: string,
  detail: Record<string, unknown>,
) {
  return deps.store.park({
    channel: provider.channel,
    reason,
    orderId: result.orderId,
    tradeNo: `refund:${result.refundId}`,
    amount: result.amount,
    at,
    detail: { refundId: result.refundId, ...detail },
  });
}

/**
 * Variation: a refund we never asked for (made in the provider's merchant console). The payer has the money
 * back, so the balance loses it, or the tenant would spend or refund it a second time. A failed one moved
 * nothing; one of an order not of this channel is refused; more than the order still holds is parked.
 */
async function recordProviderRefund(
  deps: HandleNotificationDeps,
  provider: NotifyingProvider,
  result: VerifiedRefund,
  now: Date,
): Promise<HandledNotification> {
  const detail = refundDetail(result);
  if (!result.succeeded || result.held) return { outcome: 'ignored', answer: provider.answer(true) };
  const order = await deps.store.order(result.orderId);
  if (!order || order.channel !== provider.channel) return reject(deps, provider, 'unknown_refund', detail);
  const at = now.toISOString();
  const recorded =
    result.amount > 0 && result.amount <= refundableRemainder(order)
      ? await deps.store.recordProviderRefund(order, { refundId: result.refundId, amount: result.amount, at })
      : 'not_refundable';
  if (recorded === 'not_refundable') {
    await parkRefund(deps, provider, 'refund_exceeds_order', result, at, {
      tenantId: order.tenantId,
      refundable: refundableRemainder(order),
    });
    return reject(deps, provider, 'refund_exceeds_order', detail, 'parked');
  }
  return { outcome: recorded === 'recorded' ? 'refund_settled' : 'duplicate', answer: provider.answer(true) };
}
