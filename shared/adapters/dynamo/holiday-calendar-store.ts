/**
 * The published public-holiday calendar in the routing table (implements HolidayCalendarStore):
 *   routing CALENDAR#CN / YEAR#<yyyy>                  head: the year's lists, version, who and when
 *   routing CALENDAR#CN / HISTORY#<yyyy>#V<000001>     every version, kept (audit), written with the head
 * and the keys of the sparse index of snapshots compiled with the public calendar (routing gsi1):
 *   gsi1pk CALENDAR#CN#SNAPSHOTS, gsi1sk <calendar stamp>#<accessNumber>
 * so the holiday-recompile job reads only the snapshots whose stamp is not the current one.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { HolidayCalendarStore, StoredCalendarYear } from '../../ports/routing.js';
import { dynamo } from './client.js';
import { putVersioned, queryAll } from './paging.js';

export const CALENDAR_PK = 'CALENDAR#CN';
/** gsi1 partition of the snapshots that use the public calendar. */
export const CALENDAR_SNAPSHOTS_PK = 'CALENDAR#CN#SNAPSHOTS';

const yearSk = (year: number) => `YEAR#${year}`;
const historySk = (year: number, version: number) => `HISTORY#${year}#V${String(version).padStart(6, '0')}`;

/** The index keys a snapshot compiled with calendar `stamp` carries. */
export function calendarIndexKeys(stamp: string, accessNumber: string) {
  return { gsi1pk: CALENDAR_SNAPSHOTS_PK, gsi1sk: `${stamp}#${accessNumber}` };
}

function toStored(item: Record<string, unknown>): StoredCalendarYear {
  const { year, holidays, makeUpWorkdays, note, source, version, updatedAt, updatedBy } =
    item as unknown as StoredCalendarYear;
  return {
    year: Number(year),
    holidays: [...holidays],
    makeUpWorkdays: [...makeUpWorkdays],
    ...(note ? { note } : {}),
    ...(source ? { source } : {}),
    version: Number(version),
    updatedAt,
    updatedBy,
  };
}

export class DynamoHolidayCalendarStore implements HolidayCalendarStore {
  async year(year: number): Promise<StoredCalendarYear | undefined> {
    const out = await dynamo().send(
      new GetCommand({ TableName: tableName('routing'), Key: { pk: CALENDAR_PK, sk: yearSk(year) } }),
    );
    return out.Item ? toStored(out.Item) : undefined;
  }

  /** At most a hundred small items: one Query. */
  async years(): Promise<StoredCalendarYear[]> {
    const items = await queryAll({
      TableName: tableName('routing'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :year)',
      ExpressionAttributeValues: { ':pk': CALENDAR_PK, ':year': 'YEAR#' },
    });
    return items.map(toStored);
  }

  async putYear(stored: StoredCalendarYear, previousVersion: number): Promise<boolean> {
    return putVersioned(
      tableName('routing'),
      {
        pk: CALENDAR_PK,
        sk: historySk(stored.year, stored.version),
        type: 'holidayCalendarYearVersion',
        ...stored,
      },
      { pk: CALENDAR_PK, sk: yearSk(stored.year), type: 'holidayCalendarYear', ...stored },
      previousVersion,
    );
  }
}
