/**
 * The ledger's vocabulary, shared by every capability that moves money. Amounts are integer minor units
 * (fen: 1 yuan = 100). A positive amount credits the balance (top-up, refund reversal, SLA credit); a
 * negative amount debits it (call charge, rent, fees).
 *
 * Every entry carries a permanent idempotency key, unique per tenant's ledger forever:
 *   call#<ContactId> · topup#<Idempotency-Key header> · opening#<applicationId> ·
 *   <tenant>#<number>#<YYYY-MM>#<kind> (monthly billing) · refund#<number>#<cancellationId> · …
 * Posting the same key again changes nothing and reports a duplicate (with a different amount: a conflict).
 */
export type LedgerEntryKind =
  | 'call'
  | 'call_adjustment'
  | 'top_up'
  | 'opening_fee'
  | 'monthly_rent'
  | 'minimum_spend'
  | 'retention_fee'
  | 'early_termination'
  | 'value_added'
  | 'sla_credit'
  | 'transfer_settlement'
  | 'refund'
  | 'adjustment';

export interface LedgerEntryInput {
  readonly tenantId: string;
  readonly key: string;
  readonly kind: LedgerEntryKind;
  /** Signed integer minor units. */
  readonly amount: number;
  /** ISO-8601 UTC instant the entry takes effect. */
  readonly at: string;
  readonly description: string;
  readonly number?: string;
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
}

export interface PostingResult {
  /** Keys written now. */
  readonly applied: readonly string[];
  /** Keys already in the ledger with the same amount: nothing changed. */
  readonly duplicates: readonly string[];
}

/** One tenant's outcome of a multi-tenant posting: what `post` would have answered, or why it failed. */
export type TenantPosting =
  | { readonly ok: true; readonly result: PostingResult }
  | { readonly ok: false; readonly error: unknown };

/** Implemented by the ledger store (shared/adapters/dynamo/ledger-store.ts). */
export interface LedgerPort {
  post(entries: readonly LedgerEntryInput[]): Promise<PostingResult>;
  /**
   * Many tenants' entries at once (monthly billing): each tenant all or nothing, as `post`, but several
   * tenants share a transaction. One tenant's failure (a conflict) does not fail the others.
   */
  postMany?(entries: readonly LedgerEntryInput[]): Promise<ReadonlyMap<string, TenantPosting>>;
}
