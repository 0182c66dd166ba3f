/**
 * The published public-holiday calendar in the routing table:
 *   routing CALENDAR#CN / YEAR#<yyyy>                  head: the year's lists, version, who and when
 *   routing CALENDAR#CN / HISTORY#<yyyy>#V<000001>     every version, kept (audit), written with the head
 * and the sparse index of snapshots compiled with the public calendar (routing gsi1):
 *   gsi1pk CALENDAR#CN#SNAPSHOTS, gsi1sk <calendar stamp>#<accessNumber>
 * so the holiday-recompile job reads only the snapshots whose stamp is not the current one.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { conflict, notFound } from '../../domain/errors.js';
import { BUNDLED_CALENDAR, type PublicCalendar } from '../../domain/routing/calendar.js';
import {
  type CalendarYearContent,
  calendarStamp,
  mergePublicCalendar,
  sameCalendarContent,
} from '../../domain/routing/holiday-calendar.js';
import { dynamo } from './client.js';
import { queryAll } from './paging.js';

export const CALENDAR_PK = 'CALENDAR#CN';
/** gsi1 partition of the snapshots that use the public calendar. */
export const CALENDAR_SNAPSHOTS_PK = 'CALENDAR#CN#SNAPSHOTS';

const yearSk = (year: number) => `YEAR#${year}`;
const historySk = (year: number, version: number) => `HISTORY#${year}#V${String(version).padStart(6, '0')}`;

/** The index keys a snapshot compiled with calendar `stamp` carries. */
export function calendarIndexKeys(stamp: string, accessNumber: string) {
  return { gsi1pk: CALENDAR_SNAPSHOTS_PK, gsi1sk: `${stamp}#${accessNumber}` };
}

export interface StoredCalendarYear extends CalendarYearContent {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
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

export async function getPublishedYear(year: number): Promise<StoredCalendarYear | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('routing'), Key: { pk: CALENDAR_PK, sk: yearSk(year) } }),
  );
  return out.Item ? toStored(out.Item) : undefined;
}

/** Every published year, oldest first (at most a hundred small items). */
export async function listPublishedYears(): Promise<StoredCalendarYear[]> {
  const items = await queryAll({
    TableName: tableName('routing'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :year)',
    ExpressionAttributeValues: { ':pk': CALENDAR_PK, ':year': 'YEAR#' },
  });
  return items.map(toStored).sort((a, b) => a.year - b.year);
}

export interface LoadedCalendar {
  /** Bundled years, each replaced by its published year. */
  readonly calendar: PublicCalendar;
  readonly stamp: string;
  readonly published: readonly StoredCalendarYear[];
}

/** The public calendar routing compiles with now (one Query). */
export async function loadPublicCalendar(): Promise<LoadedCalendar> {
  const published = await listPublishedYears();
  const calendar = mergePublicCalendar(published);
  return { calendar, stamp: calendarStamp(calendar), published };
}

/**
 * Publishes a year. The same content again is a no-op (`changed: false`, version kept). `expectedVersion`
 * (If-Match) guards against overwriting another operator's edit; without it a concurrent write still
 * never skips or duplicates a version.
 */
export async function publishYear(
  content: CalendarYearContent,
  by: string,
  at: string,
  expectedVersion?: number,
): Promise<{ stored: StoredCalendarYear; changed: boolean }> {
  const current = await getPublishedYear(content.year);
  const previous = current?.version ?? 0;
  if (expectedVersion !== undefined && expectedVersion !== previous) {
    throw conflict(
      'version_mismatch',
      `the ${content.year} calendar is at version ${previous}, not ${expectedVersion}`,
      { currentVersion: previous },
    );
  }
  if (current && sameCalendarContent(current, content)) return { stored: current, changed: false };
  const version = previous + 1;
  const stored: StoredCalendarYear = { ...content, version, updatedAt: at, updatedBy: by };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('routing'),
              Item: {
                pk: CALENDAR_PK,
                sk: historySk(content.year, version),
                type: 'holidayCalendarYearVersion',
                ...stored,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName('routing'),
              Item: { pk: CALENDAR_PK, sk: yearSk(content.year), type: 'holidayCalendarYear', ...stored },
              ConditionExpression: previous === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
              ...(previous === 0 ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) {
      throw conflict('version_mismatch', `the ${content.year} calendar changed meanwhile; read it again`, {
        currentVersion: previous,
      });
    }
    throw error;
  }
  return { stored, changed: true };
}

/** One year as the API shows it: where it comes from, and the published version when there is one. */
export interface CalendarYearView {
  readonly year: number;
  /** `published` by an operator, or `bundled` with the code (no published year yet). */
  readonly origin: 'published' | 'bundled';
  readonly holidays: readonly string[];
  readonly makeUpWorkdays: readonly string[];
  readonly note?: string;
  readonly source?: string;
  readonly version?: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

export function publishedView(stored: StoredCalendarYear): CalendarYearView {
  return { ...stored, origin: 'published' };
}

function bundledView(year: number): CalendarYearView | undefined {
  const bundled = BUNDLED_CALENDAR[year];
  return bundled
    ? { year, origin: 'bundled', holidays: bundled.holidays, makeUpWorkdays: bundled.workdays }
    : undefined;
}

export async function readCalendarYear(year: number): Promise<CalendarYearView> {
  const published = await getPublishedYear(year);
  const view = published ? publishedView(published) : bundledView(year);
  if (!view)
    throw notFound(
      'calendar_year_not_found',
      `no holiday calendar for ${year}: neither bundled nor published (calls that year see plain weekdays)`,
    );
  return view;
}

/** Every year routing knows, oldest first, with the stamp snapshots are compiled against. */
export async function listCalendarYears(): Promise<{ stamp: string; years: CalendarYearView[] }> {
  const { published, stamp, calendar } = await loadPublicCalendar();
  const byYear = new Map(published.map((p) => [p.year, p]));
  const years = Object.keys(calendar)
    .map(Number)
    .sort((a, b) => a - b)
    .flatMap((year) => {
      const p = byYear.get(year);
      const view = p ? publishedView(p) : bundledView(year);
      return view ? [view] : [];
    });
  return { stamp, years };
}
