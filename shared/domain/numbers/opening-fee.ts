/**
 * What an approval costs and how it is funded (issues 8, 9, 13 item 5).
 *
 * The opening fee (开户费) quoted in search and applications is the selection fee plus the first top-up.
 * "Included in the opening fee" means: the first top-up is the tenant's own call credit, not a charge. The
 * tenant pays the whole opening fee in (verified payments or operator credits) before approval; approval
 * then debits only the selection fee, and the first top-up stays on the balance, spent on calls and
 * refundable like any paid-in money. The ledger says so in one `opening_fee` entry (amount: minus the
 * selection fee, 0 for a standard number) whose text and meta name both parts.
 *
 * Promotional (non-refundable) credit never funds an approval: paid-in money is the balance less every
 * non-refundable credit ever given, the same rule refunds follow (spending counts against paid-in money
 * first), so an operator's promotion can never buy a premium number.
 */
import { DomainError } from '../errors.js';
import type { LedgerEntryInput } from '../ledger/types.js';

export interface ApprovalFees {
  /** Debited at approval (fen). */
  readonly selectionFee: number;
  /** Stays on the balance as call credit (fen). */
  readonly firstTopUp: number;
  /** What must be paid in before approval: the two together (fen). */
  readonly openingFee: number;
}

export interface PrepaidFundsView {
  readonly balance: number;
  /** Non-refundable (promotional) credit ever given (fen). */
  readonly nonRefundableCredited: number;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function approvalFees(terms: {
  readonly selectionFee: number;
  readonly firstTopUp: number;
}): ApprovalFees {
  const selectionFee = Math.max(0, Math.trunc(terms.selectionFee));
  // At least one fen stays on the balance, so an approval never leaves the account at zero (arrears).
  const firstTopUp = Math.max(1, Math.trunc(terms.firstTopUp));
  return { selectionFee, firstTopUp, openingFee: selectionFee + firstTopUp };
}

/** Money paid in and not spent: the balance less all non-refundable credit (never below zero). */
export function paidInAvailable(funds: PrepaidFundsView): number {
  return Math.max(0, funds.balance - Math.max(0, funds.nonRefundableCredited));
}

/** The refusal when paid-in money does not cover the opening fee: a 402 naming what is due and what is there. */
export function feesNotFunded(fees: ApprovalFees, available: number): DomainError {
  const missing = fees.openingFee - available;
  return new DomainError(
    'payment_required',
    'fees_not_funded',
    `approval needs ${yuan(fees.openingFee)} paid in (selection fee ${yuan(fees.selectionFee)} + first top-up ${yuan(fees.firstTopUp)}); the tenant has ${yuan(available)} paid in, ${yuan(missing)} missing`,
    undefined,
    {
      due: fees.openingFee,
      available,
      missing,
      selectionFee: fees.selectionFee,
      firstTopUp: fees.firstTopUp,
    },
  );
}

/** Throws fees_not_funded unless paid-in money covers the whole opening fee. */
export function requireFunded(fees: ApprovalFees, funds: PrepaidFundsView): void {
  const available = paidInAvailable(funds);
  if (available < fees.openingFee) throw feesNotFunded(fees, available);
}

export const openingFeeKey = (applicationId: string) => `opening#${applicationId}`;
export const openingFeeReturnKey = (applicationId: string) => `opening#${applicationId}#returned`;

/** The ledger entry an approval posts: the selection fee debited, the first top-up named as kept. */
export function openingFeeEntry(
  app: { readonly applicationId: string; readonly tenantId: string; readonly number: string },
  fees: ApprovalFees,
  at: string,
): LedgerEntryInput {
  return {
    tenantId: app.tenantId,
    key: openingFeeKey(app.applicationId),
    kind: 'opening_fee',
    amount: -fees.selectionFee,
    at,
    description: `Opening fee for ${app.number}, ${yuan(fees.openingFee)}: selection fee ${yuan(fees.selectionFee)} debited; first top-up ${yuan(fees.firstTopUp)} included, kept on your balance as call credit`,
    number: app.number,
    meta: {
      applicationId: app.applicationId,
      openingFee: fees.openingFee,
      selectionFee: fees.selectionFee,
      firstTopUpKeptAsCredit: fees.firstTopUp,
    },
  };
}

/** The entry that gives an approval's fee back when the approval is withdrawn unused (same amount, once). */
export function openingFeeReturn(
  app: { readonly applicationId: string; readonly tenantId: string; readonly number: string },
  charged: number,
  at: string,
  reason: string,
): LedgerEntryInput {
  return {
    tenantId: app.tenantId,
    key: openingFeeReturnKey(app.applicationId),
    kind: 'opening_fee',
    amount: charged,
    at,
    description: `Opening fee for ${app.number} returned: ${reason}`,
    number: app.number,
    meta: { applicationId: app.applicationId, returns: openingFeeKey(app.applicationId) },
  };
}
