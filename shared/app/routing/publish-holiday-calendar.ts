/**
 * Primary course: an operator publishes a year of the public holiday calendar → normalise it → check
 * the expected version (If-Match) → store it as the next version, with its history row.
 * Variations: the same content again → nothing written (`changed: false`, version kept); If-Match names
 * another version, or another write got there first → conflict (version_mismatch). The holiday-recompile
 * job carries the change to routing.
 */
import { conflict } from '../../domain/errors.js';
import {
  type CalendarYearInput,
  normaliseCalendarYear,
  sameCalendarContent,
} from '../../domain/routing/holiday-calendar.js';
import type { HolidayCalendarStore, StoredCalendarYear } from '../../ports/routing.js';
import { type CalendarYearView, publishedView } from './public-calendar.js';

export interface PublishHolidayCalendarRequest {
  readonly year: number;
  readonly input: CalendarYearInput;
  readonly by: string;
  readonly at: string;
  readonly expectedVersion?: number;
}

export async function publishHolidayCalendar(
  deps: { readonly calendars: HolidayCalendarStore },
  request: PublishHolidayCalendarRequest,
): Promise<{ view: CalendarYearView & { changed: boolean }; version: number }> {
  const content = normaliseCalendarYear(request.year, request.input);
  const current = await deps.calendars.year(content.year);
  const previous = current?.version ?? 0;
  if (request.expectedVersion !== undefined && request.expectedVersion !== previous) {
    throw conflict(
      'version_mismatch',
      `the ${content.year} calendar is at version ${previous}, not ${request.expectedVersion}`,
      { currentVersion: previous },
    );
  }
  if (current && sameCalendarContent(current, content))
    return { view: { ...publishedView(current), changed: false }, version: current.version };
  const stored: StoredCalendarYear = {
    ...content,
    version: previous + 1,
    updatedAt: request.at,
    updatedBy: request.by,
  };
  if (!(await deps.calendars.putYear(stored, previous)))
    throw conflict('version_mismatch', `the ${content.year} calendar changed meanwhile; read it again`, {
      currentVersion: previous,
    });
  return { view: { ...publishedView(stored), changed: true }, version: stored.version };
}
