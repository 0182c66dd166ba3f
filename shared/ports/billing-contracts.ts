/** Contracts as billing reads and changes them, and the numbers capability's cancellation path. */
import type { LocalDate } from '../domain/billing/calendar.js';
import type { PriceChange } from '../domain/billing/tariffs.js';
import type { BillingContract } from '../domain/billing/types.js';

export interface TermEndDue {
  readonly contract: BillingContract;
  /** The term end the tenant was last told about. */
  readonly noticeSentFor?: string;
}

export interface BillingContractStore {
  /** Every contract, with suspensions and end of service from its number's history. */
  all(defaultZone: string): Promise<BillingContract[]>;
  /** Contracts whose term ends before `before`; `checked` counts every row read, readable or not. */
  termsEndingBefore(before: LocalDate, defaultZone: string): Promise<{ checked: number; due: TermEndDue[] }>;
  /** Conditional on the term read and on service not having ended; false when either changed. */
  renewTerm(
    contract: BillingContract,
    next: { termStart: LocalDate; termEnd: LocalDate },
    at: string,
  ): Promise<boolean>;
  /** Remembers the notice for `termEnd` (once). */
  markNoticeSent(contract: BillingContract, termEnd: LocalDate, at: string): Promise<void>;
  /** Adds a dated price change to the contract once (a second copy of the same date changes nothing). */
  addPriceChange(contract: BillingContract, change: PriceChange): Promise<void>;
}

/** What billing needs of the numbers capability to end a contract that does not renew. */
export interface NumberCancellations {
  /** The number's owner and lifecycle status, or undefined when it does not exist. */
  status(number: string): Promise<{ tenantId?: string | undefined; status: string } | undefined>;
  /** Sends the number down the cancellation path; false when its state no longer allows it (a conflict). */
  requestCancellation(number: string, tenantId: string, at: string, note: string): Promise<boolean>;
}
