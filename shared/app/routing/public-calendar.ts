/**
 * The public holiday calendar routing compiles with: the bundled years, each replaced by its published
 * year, and the stamp that names this content (snapshots carry it, so the recompile job finds stale ones).
 * Shared by the calendar and apply use cases.
 */
import { BUNDLED_CALENDAR, type PublicCalendar } from '../../domain/routing/calendar.js';
import { calendarStamp, mergePublicCalendar } from '../../domain/routing/holiday-calendar.js';
import type { HolidayCalendarStore, StoredCalendarYear } from '../../ports/routing.js';

export interface LoadedCalendar {
  /** Bundled years, each replaced by its published year. */
  readonly calendar: PublicCalendar;
  readonly stamp: string;
  /** The published years, oldest first. */
  readonly published: readonly StoredCalendarYear[];
}

export async function loadPublicCalendar(calendars: HolidayCalendarStore): Promise<LoadedCalendar> {
  const published = (await calendars.years()).sort((a, b) => a.year - b.year);
  const calendar = mergePublicCalendar(published);
  return { calendar, stamp: calendarStamp(calendar), published };
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

export function bundledView(year: number): CalendarYearView | undefined {
  const bundled = BUNDLED_CALENDAR[year];
  return bundled
    ? { year, origin: 'bundled', holidays: bundled.holidays, makeUpWorkdays: bundled.workdays }
    : undefined;
}
