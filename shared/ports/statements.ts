/** Monthly statements, and the ledger reads billing builds them from. */
import type { BillingMonth } from '../domain/billing/calendar.js';
import type { LedgerLine, Statement } from '../domain/billing/statement.js';
import type { Page } from './paging.js';

export type StoredStatement = Statement & { readonly generatedAt: string };

export interface StatementSummary {
  readonly month: BillingMonth;
  readonly openingBalance: number;
  readonly closingBalance: number;
  readonly totalDebits: number;
  readonly totalCredits: number;
  readonly generatedAt: string;
}

export interface StatementKey {
  readonly tenantId: string;
  readonly month: BillingMonth;
}

export interface StatementStore {
  /** The statements found among `keys`, by `${tenantId}|${month}`. */
  read(keys: readonly StatementKey[]): Promise<Map<string, Statement>>;
  /** Overwrites: a statement is deterministic from the ledger, so a concurrent rewrite is identical. */
  write(statements: readonly Statement[], generatedAt: string): Promise<void>;
  get(tenantId: string, month: BillingMonth): Promise<StoredStatement | undefined>;
  /** Newest month first, without line items. */
  list(tenantId: string, limit: number, cursor?: string): Promise<Page<StatementSummary>>;
}

/** A posted charge of a number's month (rent, fees, the chain of SLA credits). */
export interface PostedCharge {
  readonly key: string;
  readonly amount: number;
}

/** The ledger as billing reads it (posting goes through the LedgerPort). */
export interface BillingLedgerReads {
  /** A tenant's entries effective in [from, to). */
  entriesBetween(tenantId: string, from: string, to: string): Promise<LedgerLine[]>;
  /** The sum of a tenant's entries effective before an instant. */
  balanceBefore(tenantId: string, instant: string): Promise<number>;
  /** A number's charges keyed `tenant#number#YYYY-MM#…`, read consistently. */
  monthChargesOf(tenantId: string, number: string, month: BillingMonth): Promise<PostedCharge[]>;
}
