/**
 * Primary course: finance paid a bank-transfer refund out (or the bank returned it), and an operator records
 * that result with a reason: confirmed, the order's refunded amount grows; failed, the money goes back to the
 * balance. Only bank-transfer refunds are settled by hand: Alipay and WeChat Pay results come signed.
 *
 * Variation: a failure puts money back on a balance, like an operator credit, so above the credits' approval
 * amount one operator only proposes it; a second, different operator confirms it (`confirmRefundFailure`),
 * and only the confirmation returns the money. A success moves nothing back and stays one operator's.
 */
import { conflict, forbidden, invalid, notFound } from '../../domain/errors.js';
import { needsSecondOperator } from '../../domain/payments/payments.js';
import type { PaymentStore, RefundRecord } from '../../ports/payments.js';

export interface SettleRefundDeps {
  readonly store: PaymentStore;
  /** Fen above which a failure takes two operators: the operator credits' threshold. */
  readonly approvalThreshold: number;
}

export interface SettleRefundResult {
  readonly refund: RefundRecord;
  /** settled: the result is recorded now; proposed: a failure waits for a second operator; duplicate: settled before. */
  readonly outcome: 'settled' | 'proposed' | 'duplicate';
}

async function bankRefund(store: PaymentStore, refundId: string): Promise<RefundRecord> {
  const refund = await store.refund(refundId);
  if (!refund) throw notFound('refund_not_found', `no refund ${refundId}`);
  if (refund.channel !== 'bank_transfer')
    throw conflict(
      'provider_settles',
      `${refund.channel} refunds are settled by the provider's signed result`,
    );
  return refund;
}

export async function settleRefundByOperator(
  deps: SettleRefundDeps,
  input: {
    readonly refundId: string;
    readonly succeeded: boolean;
    readonly operator: string;
    readonly reason: string;
    readonly now: Date;
  },
): Promise<SettleRefundResult> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw invalid('reason_required', 'say what the bank did', 'reason');
  const refund = await bankRefund(deps.store, input.refundId);
  const at = input.now.toISOString();
  if (!input.succeeded && needsSecondOperator(refund.amount, deps.approvalThreshold)) {
    const proposed = await deps.store.proposeRefundFailure(refund.refundId, {
      by: input.operator,
      reason,
      at,
    });
    const current = (await deps.store.refund(input.refundId)) ?? refund;
    return { refund: current, outcome: proposed === 'not_pending' ? 'duplicate' : 'proposed' };
  }
  const outcome = await deps.store.settleRefund(refund, input.succeeded, at, { by: input.operator, reason });
  return { refund: (await deps.store.refund(input.refundId)) ?? refund, outcome };
}

/** A second operator confirms a proposed failure: the money goes back to the balance, once. */
export async function confirmRefundFailure(
  deps: Pick<SettleRefundDeps, 'store'>,
  input: { readonly refundId: string; readonly operator: string; readonly now: Date },
): Promise<{ readonly refund: RefundRecord; readonly outcome: 'settled' | 'duplicate' }> {
  const refund = await bankRefund(deps.store, input.refundId);
  if (refund.status === 'failed') return { refund, outcome: 'duplicate' };
  if (refund.status === 'succeeded')
    throw conflict('refund_paid_out', `refund ${input.refundId} was recorded as paid out`);
  const proposal = refund.failureProposal;
  if (!proposal)
    throw conflict('failure_not_proposed', `no failure is proposed for refund ${input.refundId}`);
  if (proposal.by === input.operator)
    throw forbidden(
      'second_operator_required',
      'another operator than the proposer must confirm this failure',
    );
  // The store settles only a pending refund (a conditional write): concurrent confirmations credit once.
  const outcome = await deps.store.settleRefund(refund, false, input.now.toISOString(), {
    by: input.operator,
    reason: proposal.reason,
    proposedBy: proposal.by,
  });
  const current = (await deps.store.refund(input.refundId)) ?? refund;
  if (outcome === 'duplicate' && current.status === 'succeeded')
    throw conflict('refund_paid_out', `refund ${input.refundId} was recorded as paid out`);
  return { refund: current, outcome };
}
