/**
 * Primary course: refunds still waiting for a provider's result after a while are asked for again (the
 * providers deduplicate on our refund id: Alipay's out_request_no, WeChat Pay's out_refund_no), so a
 * request lost to a timeout is not lost for good. A provider that now refuses outright gives the money back
 * to the balance. Safe to run twice.
 */
import type { PaymentStore, PaymentsPort } from '../../ports/payments.js';

export interface RetryPendingRefundsDeps {
  readonly store: PaymentStore;
  readonly payments: PaymentsPort;
}

export async function retryPendingRefunds(
  deps: RetryPendingRefundsDeps,
  input: { readonly now: Date; readonly olderThanMs: number; readonly limit: number },
): Promise<{ readonly asked: number; readonly refused: number; readonly failed: number }> {
  const before = new Date(input.now.getTime() - input.olderThanMs).toISOString();
  // Bank refunds wait for finance, not for a provider: asking again would change nothing.
  const pending = (await deps.store.pendingRefunds(before, input.limit)).filter(
    (r) => r.channel !== 'bank_transfer',
  );
  let asked = 0;
  let refused = 0;
  let failed = 0;
  for (const refund of pending) {
    const order = await deps.store.order(refund.orderId);
    try {
      const provider = await deps.payments.provider(refund.channel);
      const answer = await provider.requestRefund({
        refundId: refund.refundId,
        orderId: refund.orderId,
        tradeNo: order?.providerTradeNo ?? '',
        amount: refund.amount,
        orderAmount: order?.amount ?? refund.amount,
      });
      asked += 1;
      // Variation: the provider now says no outright: the money goes back to the balance.
      if (answer === 'refused') {
        await deps.store.settleRefund(refund, false, input.now.toISOString());
        refused += 1;
      }
    } catch {
      // Still unknown: the next run asks again.
      failed += 1;
    }
  }
  return { asked, refused, failed };
}
