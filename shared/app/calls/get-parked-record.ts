/** Primary course: an operator reads one parked contact record. Variation: an unknown one is a 404. */
import { notFound } from '../../domain/errors.js';
import type { ParkedRecordsPort } from '../../ports/parked-records.js';
import { type ParkedRecordView, parkedRecordView } from './parked-record-view.js';

export async function getParkedRecord(
  deps: { readonly parked: ParkedRecordsPort },
  contactId: string,
): Promise<ParkedRecordView> {
  const record = await deps.parked.get(contactId);
  if (!record) throw notFound('parked_record_not_found', `no parked record ${contactId}`);
  return parkedRecordView(record);
}
