/**
 * Storage ports of accounts and the ledger. The account item is written under its version (optimistic
 * concurrency): a write that finds another version answers `false` and the use case reads and tries again.
 */
import type { Account } from '../domain/accounts/account.js';
import type { LedgerEntryKind, LedgerPort } from '../domain/ledger/types.js';
import type { Notification } from './notifications.js';
import type { Page } from './paging.js';

export type { LedgerEntryInput, LedgerPort, PostingResult, TenantPosting } from '../domain/ledger/types.js';

/** An account as read: the rules' view, and the stored attributes a write must keep (opaque here). */
export interface StoredAccount {
  readonly account: Account;
  readonly item: Readonly<Record<string, unknown>> | undefined;
}

export interface AccountsPort {
  /** The account (a new one when the tenant has none); `today` fills a missing spend day. */
  read(tenantId: string, today: string): Promise<StoredAccount>;
  /**
   * Writes `next` if the account is still the version read, with its alerts stored in the outbox in the
   * same transaction. False when another writer moved the account first.
   */
  save(before: StoredAccount, next: Account, alerts: readonly Notification[], now: Date): Promise<boolean>;
  /** The numbers the tenant has calls on (tenant-wide reports). */
  callNumbers(tenantId: string): Promise<string[]>;
}

export interface LedgerView {
  readonly key: string;
  readonly kind: LedgerEntryKind;
  readonly amount: number;
  readonly at: string;
  readonly description: string;
  readonly number?: string;
}

/** The ledger: posting (LedgerPort), the account it moves, and the entries newest first. */
export interface LedgerStorePort extends LedgerPort {
  account(tenantId: string, now: Date): Promise<StoredAccount>;
  list(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<LedgerView>>;
}
