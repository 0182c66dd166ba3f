/**
 * Primary course: an operator lists the public holiday calendar → every year routing knows, oldest first,
 * published or bundled, with the stamp snapshots are compiled against.
 */
import type { HolidayCalendarStore } from '../../ports/routing.js';
import { bundledView, type CalendarYearView, loadPublicCalendar, publishedView } from './public-calendar.js';

export async function listHolidayCalendars(deps: {
  readonly calendars: HolidayCalendarStore;
}): Promise<{ stamp: string; years: CalendarYearView[] }> {
  const { published, stamp, calendar } = await loadPublicCalendar(deps.calendars);
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
