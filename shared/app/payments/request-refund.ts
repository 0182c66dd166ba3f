/**
 * Primary course: a tenant-admin (or cancellation) asks for money back. It is split over the tenant's
 * payments oldest first, each part back to its own payment's channel, never more than what payments still
 * hold nor more than the balance less every non-refundable credit. The parts are debited from the balance
 * and reserved on their orders in one transaction, then each provider is asked to refund; the provider's
 * verified result later confirms each part, or a failure gives the money back to the balance.
 */
import { conflict, DomainError } from '../../domain/errors.js';
import { allocateRefund, refundableTotal } from '../../domain/payments/payments.js';
import type { PaymentStore, PaymentsPort, RefundRecord } from '../../ports/payments.js';
import type { PrepaidFunds } from '../../ports/prepaid-funds.js';

export interface RequestRefundDeps {
  readonly store: PaymentStore;
  /** The balance and all promotional credit ever given, read together (a promotional credit moves both). */
  readonly funds: Pick<PrepaidFunds, 'read'>;
  readonly payments: PaymentsPort;
  readonly onRequestFailed?: (refund: RefundRecord, error: unknown) => void;
}

export interface RequestRefundInput {
  readonly tenantId: string;
  readonly by: string;
  /** Fen, or everything that may go back (at cancellation of the tenant's last number). */
  readonly amount: number | 'all_refundable';
  readonly requestId: string;
  readonly now: Date;
}

export async function requestRefund(
  deps: RequestRefundDeps,
  input: RequestRefundInput,
): Promise<{ readonly refunds: readonly RefundRecord[]; readonly duplicate: boolean }> {
  // Variation: the same Idempotency-Key again answers what it started, whatever the balance is now.
  const earlier = await deps.store.refundRequest(input.tenantId, input.requestId);
  if (earlier) return { refunds: earlier, duplicate: true };
  for (let attempt = 0; attempt < 5; attempt++) {
    const [orders, funds] = await Promise.all([
      deps.store.paidOrders(input.tenantId),
      deps.funds.read(input.tenantId),
    ]);
    const limit = refundableTotal(orders, funds.balance, funds.nonRefundableCredited);
    const amount = input.amount === 'all_refundable' ? limit : input.amount;
    // Variation: nothing left to refund at cancellation is not an error.
    if (input.amount === 'all_refundable' && amount === 0) return { refunds: [], duplicate: false };
    const allocations = allocateRefund(orders, amount, limit);
    if (!allocations)
      throw new DomainError(
        'conflict',
        'refund_exceeds_refundable',
        `at most ${limit} fen can be refunded: money paid in and not spent, never promotional credit`,
        'amount',
        { refundable: limit },
      );
    const started = await deps.store.startRefunds(
      input.tenantId,
      input.requestId,
      allocations,
      input.now.toISOString(),
      input.by,
      funds.accountVersion,
    );
    if (started === 'duplicate')
      return {
        refunds: (await deps.store.refundRequest(input.tenantId, input.requestId)) ?? [],
        duplicate: true,
      };
    // Variation: the account (a call charged, a fee) or an order moved since the read: read again.
    if (started === 'conflict') continue;
    const byOrder = new Map(orders.map((o) => [o.orderId, o]));
    for (const refund of started) {
      const order = byOrder.get(refund.orderId);
      try {
        const provider = await deps.payments.provider(refund.channel);
        const answer = await provider.requestRefund({
          refundId: refund.refundId,
          orderId: refund.orderId,
          tradeNo: order?.providerTradeNo ?? '',
          amount: refund.amount,
          orderAmount: order?.amount ?? refund.amount,
        });
        // Variation: the provider said no outright: the money goes back to the balance now.
        if (answer === 'refused') await deps.store.settleRefund(refund, false, input.now.toISOString());
      } catch (error) {
        // The refund stays pending (debited, reserved) until the provider's verified result settles it.
        deps.onRequestFailed?.(refund, error);
      }
    }
    return { refunds: started, duplicate: false };
  }
  throw conflict('refund_busy', 'the account is busy; retry the request');
}
