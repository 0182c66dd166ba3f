/**
 * Primary course: an operator asks for one year of the public holiday calendar → the published year.
 * Variations: none published → the bundled year; neither → not found (calls that year see plain weekdays).
 */
import { notFound } from '../../domain/errors.js';
import { checkCalendarYear } from '../../domain/routing/holiday-calendar.js';
import type { HolidayCalendarStore } from '../../ports/routing.js';
import { bundledView, type CalendarYearView, publishedView } from './public-calendar.js';

export async function getHolidayCalendar(
  deps: { readonly calendars: HolidayCalendarStore },
  year: number,
): Promise<CalendarYearView> {
  const checked = checkCalendarYear(year);
  const published = await deps.calendars.year(checked);
  const view = published ? publishedView(published) : bundledView(checked);
  if (!view)
    throw notFound(
      'calendar_year_not_found',
      `no holiday calendar for ${checked}: neither bundled nor published (calls that year see plain weekdays)`,
    );
  return view;
}
