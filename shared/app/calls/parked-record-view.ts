/** What operators see of a parked contact record: why it was parked, the call in short, and its resolution. */
import type { ParkedRecord } from '../../ports/parked-records.js';

export interface ParkedRecordView {
  readonly contactId: string;
  readonly code: ParkedRecord['code'];
  readonly reason: string;
  readonly status: ParkedRecord['status'];
  readonly number: string | null;
  readonly accessNumber: string | null;
  readonly caller: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly answered: boolean | null;
  readonly lastUpdatedAt: string;
  readonly parkedAt: string;
  /** False for records parked before contacts were kept with them: those can only be dismissed. */
  readonly chargeable: boolean;
  readonly resolution: ParkedRecord['resolution'] | null;
}

export function parkedRecordView(r: ParkedRecord): ParkedRecordView {
  return {
    contactId: r.contactId,
    code: r.code,
    reason: r.reason,
    status: r.status,
    number: r.number ?? null,
    accessNumber: r.accessNumber ?? null,
    caller: r.contact?.caller ?? null,
    startedAt: r.startedAt,
    endedAt: r.contact ? new Date(r.contact.endedMs).toISOString() : null,
    answered: r.contact ? r.contact.answeredMs !== undefined : null,
    lastUpdatedAt: r.lastUpdatedAt,
    parkedAt: r.parkedAt,
    chargeable: r.contact !== undefined,
    resolution: r.resolution ?? null,
  };
}
