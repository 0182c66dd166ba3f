/**
 * Storage ports of calls: charging contact records (the call item is also its ledger entry, written in
 * one transaction with its account), and reading call records back.
 */
import type { CallRecord } from '../domain/calls/call-record.js';
import type { NormalizedContact } from '../domain/calls/contact-record.js';
import type { Notification } from './notifications.js';
import type { Page } from './paging.js';

/** A contact record kept for review instead of being charged (shared/domain/calls/time-bounds.ts). */
export interface ParkedContact {
  readonly contactId: string;
  readonly code: 'starts_in_future' | 'month_closed' | 'no_owner_at_start';
  readonly reason: string;
  readonly startedAt: string;
  readonly lastUpdatedAt: string;
  readonly accessNumber?: string;
  readonly number?: string;
  /** The record as parsed, kept so an operator can charge it later (shared/domain/calls/parked-records.ts). */
  readonly contact?: NormalizedContact;
}

/** What one round of charging committed, and what must go round again. */
export interface ChargeRoundResult {
  /** Contacts that cannot be charged (no bound number): they fail now, whatever the round. */
  readonly unchargeable: readonly { readonly contactId: string; readonly reason: string }[];
  /**
   * Contacts parked for review, never charged: out of time bounds, or started while nobody held the
   * number. Done with: not failures (the stream must not retry them).
   */
  readonly parked: number;
  /** Contacts whose transaction lost a race or failed: read again and recomputed in the next round. */
  readonly retry: ReadonlySet<string>;
  readonly charged: number;
  readonly adjusted: number;
  readonly stale: number;
  readonly transactions: number;
  /** Alerts committed with the charges, to publish. */
  readonly alerts: readonly Notification[];
}

/** One stream batch being charged: lookups that do not change between rounds are kept for the batch. */
export interface ChargeBatch {
  /**
   * Charges the contacts: rated, each account written once per transaction with its calls. Round 0
   * assumes every contact is new (its conditional put is the exactly-once check); later rounds read the
   * calls already stored and re-rate the changes.
   */
  round(contacts: readonly NormalizedContact[], round: number, now: Date): Promise<ChargeRoundResult>;
}

export interface CallChargesPort {
  batch(): ChargeBatch;
  /** Applies deferred postings left pending longer than `olderThanMs` by an interrupted run; their alerts. */
  sweepPendingPostings(now: Date, olderThanMs?: number): Promise<{ applied: number; alerts: Notification[] }>;
}

export interface CallRange {
  readonly tenantId: string;
  readonly number: string;
  /** ISO instants, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Records past their retention are not returned (TTL deletes lazily). */
  readonly now: Date;
}

export type ReportCall = Pick<
  CallRecord,
  'startedAt' | 'missed' | 'durationSeconds' | 'amount' | 'callerRegion'
> &
  Partial<Pick<CallRecord, 'contactId' | 'initialContactId'>>;

/** One call by its contact id, whoever owns it (the caller checks the tenant). */
export interface CallLookupPort {
  /** The stored call record, or undefined when none arrived (or it expired) by `now`. */
  find(contactId: string, now: Date): Promise<CallRecord | undefined>;
}

export interface CallsPort {
  /**
   * The tenant's calls on a number, `limit` calls a page, newest first by each call's first segment; a
   * transfer chain comes whole (every segment, also those started after the range) on one page.
   */
  page(range: CallRange, limit: number, cursor: string | undefined): Promise<Page<CallRecord>>;
  /**
   * Every call of the range, for a report: each transfer chain whole (also segments after the range) and only
   * in the range its first segment started in, so it counts once whichever ranges reports cover.
   */
  forReport(range: CallRange): Promise<ReportCall[]>;
}
