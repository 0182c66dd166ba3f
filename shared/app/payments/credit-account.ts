/**
 * Primary course: an operator records money received outside a provider's notification (a bank transfer
 * against its reference) or a manual or promotional credit, always with a reason; the credit goes into the
 * ledger with who did it and why. Above the approval threshold it is only proposed: a second, different
 * operator approves it (`approveCredit`), and only then is anything credited.
 *
 * Variations: a bank transfer must name a bank-transfer order of this tenant, still unpaid, of the same
 * amount; a promotional credit is marked non-refundable; the same credit id twice credits once.
 */
import { conflict, forbidden, invalid, notFound } from '../../domain/errors.js';
import {
  type CreditKind,
  needsSecondOperator,
  type OperatorCredit,
  type PaymentOrder,
} from '../../domain/payments/payments.js';
import type { PaymentStore } from '../../ports/payments.js';

export interface CreditAccountDeps {
  readonly store: PaymentStore;
  /** Fen above which a credit takes two operators. */
  readonly approvalThreshold: number;
}

export interface CreditAccountInput {
  readonly tenantId: string;
  readonly operator: string;
  readonly creditId: string;
  readonly kind: CreditKind;
  readonly amount: number;
  readonly reason: string;
  readonly reference?: string;
  readonly now: Date;
}

export interface CreditResult {
  readonly credit: OperatorCredit;
  /** credited: in the ledger now; proposed: waits for a second operator; duplicate: credited before. */
  readonly outcome: 'credited' | 'proposed' | 'duplicate';
}

async function bankTransferOrder(
  store: PaymentStore,
  tenantId: string,
  amount: number,
  reference: string | undefined,
): Promise<PaymentOrder> {
  if (!reference)
    throw invalid('reference_required', 'a bank transfer names its transfer reference', 'reference');
  const order = await store.orderByReference(reference);
  if (!order || order.tenantId !== tenantId || order.channel !== 'bank_transfer')
    throw notFound(
      'transfer_reference_not_found',
      `no bank-transfer order ${reference} for tenant ${tenantId}`,
    );
  if (order.amount !== amount)
    throw conflict('transfer_amount_mismatch', `order ${order.orderId} is for ${order.amount} fen`, {
      orderAmount: order.amount,
    });
  if (order.status !== 'created')
    throw conflict('order_already_paid', `order ${order.orderId} is ${order.status}`);
  return order;
}

export async function creditAccount(
  deps: CreditAccountDeps,
  input: CreditAccountInput,
): Promise<CreditResult> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw invalid('reason_required', 'say why, in a few words', 'reason');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
    throw invalid('invalid_amount', 'amount: a positive whole number of fen', 'amount');
  const existing = await deps.store.credit(input.tenantId, input.creditId);
  if (existing) {
    if (existing.amount !== input.amount || existing.kind !== input.kind)
      throw conflict('idempotency_conflict', 'this Idempotency-Key was used for another credit');
    return { credit: existing, outcome: existing.status === 'credited' ? 'duplicate' : 'proposed' };
  }
  const order =
    input.kind === 'bank_transfer'
      ? await bankTransferOrder(deps.store, input.tenantId, input.amount, input.reference)
      : undefined;
  const credit: OperatorCredit = {
    creditId: input.creditId,
    tenantId: input.tenantId,
    kind: input.kind,
    amount: input.amount,
    reason,
    ...(input.reference ? { reference: input.reference } : {}),
    proposedBy: input.operator,
    proposedAt: input.now.toISOString(),
    status: 'proposed',
  };
  // Variation: above the threshold a second operator must approve; nothing moves yet.
  if (needsSecondOperator(input.amount, deps.approvalThreshold)) {
    await deps.store.saveProposal(credit);
    return { credit, outcome: 'proposed' };
  }
  const credited: OperatorCredit = { ...credit, status: 'credited', creditedAt: input.now.toISOString() };
  const outcome = await deps.store.creditOperator(credited, credited.creditedAt ?? '', order);
  return { credit: credited, outcome };
}

export async function approveCredit(
  deps: Pick<CreditAccountDeps, 'store'>,
  input: {
    readonly tenantId: string;
    readonly creditId: string;
    readonly operator: string;
    readonly now: Date;
  },
): Promise<CreditResult> {
  const credit = await deps.store.credit(input.tenantId, input.creditId);
  if (!credit) throw notFound('credit_not_found', `no credit ${input.creditId} for tenant ${input.tenantId}`);
  if (credit.status === 'credited') return { credit, outcome: 'duplicate' };
  if (credit.status !== 'proposed')
    throw conflict('credit_not_proposed', `credit ${input.creditId} is ${credit.status}`);
  if (credit.proposedBy === input.operator)
    throw forbidden(
      'second_operator_required',
      'another operator than the proposer must approve this credit',
    );
  const order =
    credit.kind === 'bank_transfer'
      ? await bankTransferOrder(deps.store, credit.tenantId, credit.amount, credit.reference)
      : undefined;
  const at = input.now.toISOString();
  const approved: OperatorCredit = {
    ...credit,
    status: 'credited',
    approvedBy: input.operator,
    creditedAt: at,
  };
  const outcome = await deps.store.creditOperator(approved, at, order);
  if (outcome === 'duplicate') return { credit: approved, outcome };
  return { credit: approved, outcome: 'credited' };
}
