/**
 * Primary course: an operator lists parked contact records, newest parked first, a page at a time, by
 * status (open by default), optionally only one park code or one 400 number.
 */
import type { ParkCode, ParkedStatus } from '../../domain/calls/parked-records.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../../ports/paging.js';
import type { ParkedRecordsPort } from '../../ports/parked-records.js';
import { type ParkedRecordView, parkedRecordView } from './parked-record-view.js';

export interface ParkedRecordsQuery {
  readonly status?: ParkedStatus;
  readonly code?: ParkCode;
  readonly number?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export async function listParkedRecords(
  deps: { readonly parked: ParkedRecordsPort },
  query: ParkedRecordsQuery,
): Promise<Page<ParkedRecordView>> {
  const page = await deps.parked.page(
    {
      status: query.status ?? 'open',
      ...(query.code ? { code: query.code } : {}),
      ...(query.number ? { number: query.number } : {}),
    },
    query.limit ?? DEFAULT_PAGE_SIZE,
    query.cursor,
  );
  return { ...page, items: page.items.map(parkedRecordView) };
}
