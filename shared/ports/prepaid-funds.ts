/**
 * What numbers reads of a tenant's prepaid money to fund an approval: one consistent snapshot of the
 * account and its payment summary, and a posted entry's amount (to give a fee back exactly once).
 * The debit itself commits with the approval (NumberWrite `account_debit`).
 */
import type { PrepaidFundsView } from '../domain/numbers/opening-fee.js';

export interface PrepaidFundsSnapshot extends PrepaidFundsView {
  /** The account's version (0 without an account): the debit commits only at this version. */
  readonly accountVersion: number;
}

export interface PrepaidFunds {
  read(tenantId: string): Promise<PrepaidFundsSnapshot>;
  /** The amount of the tenant's ledger entry under `key`, undefined when none was posted. */
  postedAmount(tenantId: string, key: string): Promise<number | undefined>;
}
