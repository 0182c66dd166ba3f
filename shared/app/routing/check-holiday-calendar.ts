/**
 * Primary course: the daily check → load the public calendar → the years it should have by the local date
 * (the current year, and from 1 December the next) → the missing ones. The job reports them (a warning and
 * the HolidayCalendarMissingYears metric, alarmed): operators have no notification channel of their own.
 */
import { type MissingCalendarYear, missingCalendarYears } from '../../domain/routing/holiday-calendar.js';
import { localDay } from '../../domain/zoned-time.js';
import type { HolidayCalendarStore } from '../../ports/routing.js';
import { loadPublicCalendar } from './public-calendar.js';

export interface CalendarCheckResult {
  readonly localDate: string;
  /** Years in the calendar (bundled or published). */
  readonly years: readonly number[];
  readonly missing: readonly MissingCalendarYear[];
}

export async function checkHolidayCalendar(
  deps: { readonly calendars: HolidayCalendarStore; readonly timeZone: string },
  at: string,
): Promise<CalendarCheckResult> {
  const { calendar } = await loadPublicCalendar(deps.calendars);
  const localDate = localDay(deps.timeZone, Date.parse(at));
  const missing = missingCalendarYears(calendar, localDate);
  const years = Object.keys(calendar)
    .map(Number)
    .sort((a, b) => a - b);
  return { localDate, years, missing };
}
