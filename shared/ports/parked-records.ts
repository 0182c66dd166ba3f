/**
 * Storage of parked contact records for their review (shared/domain/calls/parked-records.ts): listed by
 * status (open ones apart from resolved ones), read one by one, and resolved once under a condition.
 */
import type { ParkCode, ParkedResolution, ParkedStatus } from '../domain/calls/parked-records.js';
import type { ParkedContact } from './calls.js';
import type { Page } from './paging.js';

export interface ParkedRecord extends ParkedContact {
  readonly parkedAt: string;
  readonly status: ParkedStatus;
  readonly resolution?: ParkedResolution;
}

export interface ParkedFilter {
  readonly status: ParkedStatus;
  readonly code?: ParkCode;
  readonly number?: string;
}

export interface ParkedRecordsPort {
  get(contactId: string): Promise<ParkedRecord | undefined>;
  /** Newest parked first. */
  page(filter: ParkedFilter, limit: number, cursor: string | undefined): Promise<Page<ParkedRecord>>;
  /** Records the charge if the record is still open; false when someone resolved it first. */
  markCharged(contactId: string, resolution: ParkedResolution): Promise<boolean>;
  /**
   * Dismisses an open record and takes its call's exactly-once slot in the same transaction, so it is never
   * charged later: `resolved` when it was no longer open, `charged` when its call was charged meanwhile.
   */
  dismiss(contactId: string, resolution: ParkedResolution): Promise<'dismissed' | 'resolved' | 'charged'>;
}
