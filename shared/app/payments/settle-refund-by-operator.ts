/**
 * Primary course: finance paid a bank-transfer refund out (or the bank returned it), and an operator records
 * that result with a reason: confirmed, the order's refunded amount grows; failed, the money goes back to the
 * balance. Only bank-transfer refunds are settled by hand: Alipay and WeChat Pay results come signed.
 */
import { conflict, invalid, notFound } from '../../domain/errors.js';
import type { PaymentStore, RefundRecord } from '../../ports/payments.js';

export async function settleRefundByOperator(
  deps: { readonly store: PaymentStore },
  input: {
    readonly refundId: string;
    readonly succeeded: boolean;
    readonly operator: string;
    readonly reason: string;
    readonly now: Date;
  },
): Promise<{ readonly refund: RefundRecord; readonly outcome: 'settled' | 'duplicate' }> {
  if (input.reason.trim().length < 3) throw invalid('reason_required', 'say what the bank did', 'reason');
  const refund = await deps.store.refund(input.refundId);
  if (!refund) throw notFound('refund_not_found', `no refund ${input.refundId}`);
  if (refund.channel !== 'bank_transfer')
    throw conflict(
      'provider_settles',
      `${refund.channel} refunds are settled by the provider's signed result`,
    );
  const outcome = await deps.store.settleRefund(refund, input.succeeded, input.now.toISOString(), {
    by: input.operator,
    reason: input.reason.trim(),
  });
  return { refund: (await deps.store.refund(input.refundId)) ?? refund, outcome };
}
