/**
 * Storage of numbers (inventory, lifecycle, history, the tenant's holds, contracts) and of what commits with
 * a number's transition. A use case reads, decides, then hands the store every write that must commit
 * together (`commit`); the store writes them in one transaction, each under its condition, or none.
 */
import type { LedgerEntryInput } from '../domain/ledger/types.js';
import type { ApplicationRecord, ContractRecord } from '../domain/numbers/application.js';
import type { Segment } from '../domain/numbers/config.js';
import type { HistoryEntry, NumberRecord, Restrictions, Timer } from '../domain/numbers/number.js';
import type { PendingEffect } from './number-effect-store.js';
import type { Page } from './paging.js';

/** A tenant's holds: number → hold expiry, versioned (a counter with a memory of what it counts). */
export interface HoldList {
  readonly holds: Readonly<Record<string, string>>;
  readonly version: number;
}

/** What the arrears job remembers per tenant (see domain/numbers/arrears.ts). */
export interface ArrearsWatchRecord {
  readonly tenantId: string;
  readonly since: string;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
  /** When the table may forget the watch (epoch seconds). */
  readonly expiresAt: number;
  readonly graceEndsAt?: string;
  readonly stoppedFor?: string;
  readonly stoppedAt?: string;
}

/** One write of a unit that commits whole or not at all. */
export type NumberWrite =
  /** The number replaced if still at `before.version`, its history row beside it (and the new owner's). */
  | {
      readonly kind: 'number';
      readonly before: NumberRecord;
      readonly after: NumberRecord;
      readonly history: HistoryEntry;
      readonly newOwnerHistory?: HistoryEntry;
    }
  /** A number new to the inventory (refused if it exists). */
  | { readonly kind: 'new_number'; readonly number: NumberRecord }
  /** The routing snapshot's number fields (routing's own fields untouched); no owner clears the owner's. */
  | {
      readonly kind: 'routing_snapshot';
      readonly accessNumber: string;
      readonly number: string;
      readonly numberStatus: string;
      /** The instant calls stop although the status still takes them (a requested cancellation's notice). */
      readonly serviceEndsAt?: string;
      readonly owner?: { readonly tenantId: string; readonly restrictions: Restrictions };
    }
  /** A contract: created (`expectedVersion` undefined) or replaced at its version (or an unversioned one). */
  | { readonly kind: 'contract'; readonly contract: ContractRecord; readonly expectedVersion?: number }
  /** The tenant's hold list, at its version (undefined: it must not exist yet). */
  | {
      readonly kind: 'holds';
      readonly tenantId: string;
      readonly holds: Readonly<Record<string, string>>;
      readonly expectedVersion?: number;
    }
  /** An application: created (`expectedVersion` undefined) or replaced at its version. */
  | {
      readonly kind: 'application';
      readonly application: ApplicationRecord;
      readonly expectedVersion?: number;
    }
  /** A side effect to carry out after the commit (never written twice). */
  | { readonly kind: 'effect'; readonly effect: PendingEffect }
  /** A condition, nothing written: the number still carries the transfer offer `offerId`. */
  | { readonly kind: 'offer_pending'; readonly number: string; readonly offerId: string }
  | { readonly kind: 'arrears_watch'; readonly watch: ArrearsWatchRecord }
  /**
   * Ledger entries of one tenant posted with the account's new state, only if the account is still at
   * `accountVersion` (what the use case decided on): fees taken in the same commit as the approval, or
   * given back in the same commit as the approval's withdrawal (each entry under a key of its own). Its
   * alerts cross at `refusalRatePerMinute` (the refusal point's rate when the entries post).
   */
  | {
      readonly kind: 'account_debit';
      readonly tenantId: string;
      readonly accountVersion: number;
      readonly entries: readonly LedgerEntryInput[];
      readonly refusalRatePerMinute: number;
    };

export interface AvailableScan {
  readonly segments: readonly Segment[];
  /** Only this tier (its rank). */
  readonly tierRank?: number;
  /** Available now, or held with a hold expired by `at`. */
  readonly at: string;
  readonly limit: number;
  readonly cursor?: string;
  /** Index items read at most. */
  readonly readBudget: number;
  /** Whether the number is a result (items read but not matched count toward the budget). */
  readonly matches: (number: string) => boolean;
  /** Whether nearly every item read will match (then little more than the page is read). */
  readonly dense: boolean;
}

export interface NumberStore {
  get(number: string): Promise<NumberRecord | undefined>;
  /** The number's history, oldest first. */
  history(number: string): Promise<HistoryEntry[]>;
  /** One page of the numbers indexed under the tenant (a number just leaving them may still be there). */
  listOfTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<NumberRecord>>;
  /** Every number indexed under the tenant, optionally only those in `status`. */
  numbersOfTenant(tenantId: string, status?: string): Promise<string[]>;
  /** Numbers whose `timer` is due at or before `at`, oldest first, read page by page. */
  due(timer: Timer, at: string): AsyncIterable<NumberRecord>;
  /** The searchable pool in segment and tier order; a cursor resumes where the page stopped. */
  scanAvailable(scan: AvailableScan): Promise<Page<NumberRecord> & { readonly scanned: number }>;
  /** Which of these numbers the inventory has. */
  existing(numbers: readonly string[]): Promise<Set<string>>;
  /** Writes new numbers without conditions (seeding an empty inventory before it serves requests). */
  seed(numbers: readonly NumberRecord[]): Promise<void>;
  /** Adds one number unless it exists; false when it did. */
  addIfAbsent(number: NumberRecord): Promise<boolean>;
  contract(number: string, contractId: string): Promise<ContractRecord | undefined>;
  holds(tenantId: string): Promise<HoldList | undefined>;
  /** Commits every write or none; false when a condition failed (someone changed something meanwhile). */
  commit(writes: readonly NumberWrite[]): Promise<boolean>;
}

export interface LiveNumbers {
  readonly active: string[];
  readonly stopped: string[];
}

export interface ArrearsAccountRecord {
  readonly status?: string;
  readonly arrearsSince?: string;
}

/** What the arrears job reads: tenants with live numbers, their accounts and the job's own watches. */
export interface ArrearsStore {
  /** Every tenant with a number active or stopped for arrears. */
  tenantsWithLiveNumbers(): Promise<Map<string, LiveNumbers>>;
  accountsAndWatches(tenantIds: readonly string[]): Promise<{
    readonly accounts: Map<string, ArrearsAccountRecord>;
    readonly watches: Map<string, ArrearsWatchRecord>;
  }>;
  forgetWatch(tenantId: string): Promise<void>;
}
