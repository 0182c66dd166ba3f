/**
 * Funding an approval (a step of approveApplication, kept apart so the approval's other steps can move).
 * Primary course: the tenant's paid-in money (payments and operator credits, never promotional credit)
 * covers the opening fee; the selection fee is debited in the SAME commit that approves the application,
 * the first top-up stays on the balance. Variation: not covered, a 402 `fees_not_funded` naming the amount
 * due and the amount available, and nothing changes. Variation: the activation fails for good after the
 * approval: `returnApprovalFees` gives the fee back once (its own ledger key).
 */
import type { ApplicationRecord, ContractRecord } from '../../domain/numbers/application.js';
import {
  type ApprovalFees,
  approvalFees,
  openingFeeEntry,
  openingFeeKey,
  openingFeeReturn,
  openingFeeReturnKey,
  requireFunded,
} from '../../domain/numbers/opening-fee.js';
import type { NumberWrite } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';

/** The fees of the application's contract terms. */
export const feesOf = (contract: ContractRecord) =>
  approvalFees({
    selectionFee: Number(contract.selectionFee ?? 0),
    firstTopUp: Number(contract.firstTopUp ?? 0),
  });

/**
 * Checks the tenant's paid-in money covers the fees (throws fees_not_funded) and answers the debit that
 * commits with the approval, at the account version just read: if money moves meanwhile the commit fails
 * and the approval decides again on what is there then.
 */
export async function fundApproval(
  deps: NumbersDeps,
  app: ApplicationRecord,
  fees: ApprovalFees,
  at: string,
): Promise<NumberWrite> {
  const [funds, refusalRatePerMinute] = await Promise.all([
    deps.funds.read(app.tenantId),
    deps.refusalRateAt(new Date(at)),
  ]);
  requireFunded(fees, funds);
  return {
    kind: 'account_debit',
    tenantId: app.tenantId,
    accountVersion: funds.accountVersion,
    entries: [openingFeeEntry(app, fees, at)],
    refusalRatePerMinute,
  };
}

/**
 * The fee an approval debited, given back when the tenant withdraws the approval before its number ever went
 * into service: a credit of exactly what the approval debited, to commit with the withdrawal at the account
 * version just read (if money moves meanwhile the commit fails and the withdrawal decides again). Undefined
 * when the approval debited nothing or the fee was given back already: it has its own ledger key, so a retry
 * never gives it twice (and the ledger refuses a second entry under that key).
 */
export async function returnApprovalFees(
  deps: NumbersDeps,
  app: Pick<ApplicationRecord, 'applicationId' | 'tenantId' | 'number'>,
  at: string,
  reason: string,
): Promise<Extract<NumberWrite, { kind: 'account_debit' }> | undefined> {
  const [debited, returned] = await Promise.all([
    deps.funds.postedAmount(app.tenantId, openingFeeKey(app.applicationId)),
    deps.funds.postedAmount(app.tenantId, openingFeeReturnKey(app.applicationId)),
  ]);
  if (debited === undefined || debited >= 0 || returned !== undefined) return undefined;
  const [funds, refusalRatePerMinute] = await Promise.all([
    deps.funds.read(app.tenantId),
    deps.refusalRateAt(new Date(at)),
  ]);
  return {
    kind: 'account_debit',
    tenantId: app.tenantId,
    accountVersion: funds.accountVersion,
    entries: [openingFeeReturn(app, -debited, at, reason)],
    refusalRatePerMinute,
  };
}
