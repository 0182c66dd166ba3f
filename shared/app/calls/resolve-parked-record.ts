/**
 * Primary course: an operator resolves a parked contact record, once.
 * - charge: the record goes through the charging path (the ingest use case, as a stream record would),
 *   which charges the tenant that held the number when the call started, exactly once; then the record is
 *   marked charged with that tenant and amount.
 * - dismiss (a reason is required): the record is marked dismissed and its call can never be charged.
 * Variations, as branches below: an unknown record is a 404; a resolved one a 409 `already_resolved`; a
 * record parked before contacts were kept with it cannot be charged (409 `contact_not_kept`); a charge the
 * path parks again (still nobody held the number at the call's start, or out of time bounds) is a 409
 * `still_parked` naming why, and the record stays open; a contact the path cannot rate is a 409
 * `not_chargeable`; dismissing a record whose call was charged meanwhile is a 409 `already_charged`.
 */
import type { NormalizedContact } from '../../domain/calls/contact-record.js';
import type { ParkedResolution } from '../../domain/calls/parked-records.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import type { CallLookupPort } from '../../ports/calls.js';
import type { ParkedRecordsPort } from '../../ports/parked-records.js';
import type { IngestResult } from './ingest-contact-records.js';
import { type ParkedRecordView, parkedRecordView } from './parked-record-view.js';

export interface ResolveParkedDeps {
  readonly parked: ParkedRecordsPort;
  readonly calls: CallLookupPort;
  /** The charging path of stream records, for one contact. */
  readonly charge: (contact: NormalizedContact) => Promise<IngestResult>;
}

export type ParkedResolutionRequest =
  | { readonly action: 'charge' }
  | { readonly action: 'dismiss'; readonly reason: string };

export interface ResolveParkedCommand {
  readonly contactId: string;
  readonly request: ParkedResolutionRequest;
  /** The operator's subject. */
  readonly by: string;
  readonly now: Date;
}

export async function resolveParkedRecord(
  deps: ResolveParkedDeps,
  command: ResolveParkedCommand,
): Promise<{ readonly before: ParkedRecordView; readonly after: ParkedRecordView }> {
  const { contactId, request, now } = command;
  const record = await deps.parked.get(contactId);
  if (!record) throw notFound('parked_record_not_found', `no parked record ${contactId}`);
  const alreadyResolved = () =>
    conflict('already_resolved', `parked record ${contactId} was already resolved`, {
      status: record.status,
    });
  if (record.status !== 'open') throw alreadyResolved();
  const at = now.toISOString();
  let resolution: ParkedResolution;

  if (request.action === 'dismiss') {
    const reason = request.reason.trim();
    if (reason === '') throw invalid('reason_required', 'say why the record is dismissed', 'reason');
    resolution = { status: 'dismissed', by: command.by, at, reason };
    const outcome = await deps.parked.dismiss(contactId, resolution);
    if (outcome === 'resolved') throw alreadyResolved();
    if (outcome === 'charged')
      throw conflict(
        'already_charged',
        `call ${contactId} was charged since it was parked (a newer delivery found its holder): resolve it with action "charge"`,
      );
  } else {
    if (!record.contact)
      throw conflict(
        'contact_not_kept',
        `parked record ${contactId} was parked before contacts were kept with it: dismiss it, or let Connect deliver it again`,
      );
    const result = await deps.charge(record.contact);
    const failure = result.failures[0];
    if (failure) throw conflict('not_chargeable', failure.reason);
    if (result.parked > 0) {
      const again = await deps.parked.get(contactId);
      throw conflict('still_parked', again?.reason ?? record.reason, { code: again?.code ?? record.code });
    }
    // Charged now, or earlier by a newer delivery: either way the call item says whose it is and what it cost.
    const call = await deps.calls.find(contactId, now);
    if (!call) throw alreadyResolved(); // dismissed meanwhile: its slot holds no call
    resolution = { status: 'charged', by: command.by, at, tenantId: call.tenantId, amount: call.amount };
    if (!(await deps.parked.markCharged(contactId, resolution))) throw alreadyResolved();
  }
  return {
    before: parkedRecordView(record),
    after: parkedRecordView({ ...record, status: resolution.status, resolution }),
  };
}
