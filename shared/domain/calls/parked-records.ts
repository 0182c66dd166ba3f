/**
 * Parked contact records and their review. Ingest parks a record instead of charging it when it is out of
 * time bounds (./time-bounds.ts) or started while nobody held its number (numbers/ownership.ts
 * `chargeHolder`). An operator then resolves each one, once:
 * - charge: the record goes through the charging path again, which charges the tenant that held the number
 *   when the call started (exactly once: the call item is its own ledger entry); possible once ownership is
 *   known (e.g. after the ownership backfill) and the record is inside the time bounds;
 * - dismiss, with a reason: never charged. The dismissal occupies the call's exactly-once slot (a
 *   `dismissed_call` item at `CALL#<ContactId>`), so a later delivery of the same contact is not charged
 *   either.
 * The record keeps the normalised contact it was parked with, so charging needs nothing from the stream.
 */
import type { NormalizedContact } from './contact-record.js';
import type { ParkReason } from './time-bounds.js';

export const PARKED_STATUSES = ['open', 'charged', 'dismissed'] as const;
export type ParkedStatus = (typeof PARKED_STATUSES)[number];
export type ParkCode = ParkReason['code'];
export const PARK_CODES: readonly ParkCode[] = ['starts_in_future', 'month_closed', 'no_owner_at_start'];

export interface ParkedResolution {
  readonly status: Exclude<ParkedStatus, 'open'>;
  /** Who resolved it: the operator's subject. */
  readonly by: string;
  readonly at: string;
  /** Why it was dismissed (required for a dismissal). */
  readonly reason?: string;
  /** Charged: the tenant the charging path charged, and the call's amount then (fen). */
  readonly tenantId?: string;
  readonly amount?: number;
}

/**
 * Time (ISO instant) format for a reconstructed record: what the parser reads back to the same instant.
 */
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The contact record (Amazon Connect CTR shape) that parses back to this normalised contact
 * (`parseContactRecord(contactRecordOf(c))` gives `c`): how a parked contact re-enters the charging path
 * exactly as a stream record would.
 */
export function contactRecordOf(c: NormalizedContact): Record<string, unknown> {
  const record: Record<string, unknown> = {
    ContactId: c.contactId,
    Channel: 'VOICE',
    InitiationMethod: c.initialContactId ? 'TRANSFER' : 'INBOUND',
    InitiationTimestamp: c.startedAt,
    DisconnectTimestamp: iso(c.endedMs),
    LastUpdateTimestamp: c.lastUpdatedAt,
  };
  if (c.accessNumber) record.SystemEndpoint = { Address: c.accessNumber, Type: 'TELEPHONE_NUMBER' };
  if (c.caller) record.CustomerEndpoint = { Address: c.caller, Type: 'TELEPHONE_NUMBER' };
  if (c.initialContactId) record.InitialContactId = c.initialContactId;
  if (c.disconnectReason) record.DisconnectReason = c.disconnectReason;
  if (c.ivr) record.Attributes = { ivrPath: 'ivr' };
  if (c.answeredMs !== undefined) {
    // A forward to an answer number, or an agent (its user name, when known).
    if (c.answerNumber !== undefined) {
      record.TransferredToEndpoint = { Address: c.answerNumber, Type: 'TELEPHONE_NUMBER' };
      record.TransferCompletedTimestamp = iso(c.answeredMs);
    } else {
      record.Agent = {
        ConnectedToAgentTimestamp: iso(c.answeredMs),
        ...(c.answeredBy !== undefined ? { Username: c.answeredBy } : {}),
      };
    }
  }
  if (c.recordingSeconds > 0 || c.recordingRef !== undefined) {
    record.Recordings = [
      {
        ...(c.recordingRef !== undefined ? { Location: c.recordingRef } : {}),
        ...(c.recordingSeconds > 0
          ? { StartTimestamp: c.startedAt, StopTimestamp: iso(c.startedMs + c.recordingSeconds * 1000) }
          : {}),
      },
    ];
  }
  return record;
}
