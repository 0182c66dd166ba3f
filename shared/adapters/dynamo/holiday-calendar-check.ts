/**
 * Warns operators when the public-holiday calendar lacks a year it should have: the current year (calls
 * already run on plain weekdays, no holidays) or, from 1 December, the next one. Reports through the log
 * (a warning naming the years), the `HolidayCalendarMissingYears` metric (emitted every run, 0 when all is
 * well, so an alarm on it never starves) and the job's result. Operators have no notification channel of
 * their own (the notifications port addresses tenants); the ops alarm on the metric is how they hear.
 */
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../config.js';
import {
  HOLIDAY_CALENDAR_MISSING_METRIC,
  type MissingCalendarYear,
  missingCalendarYears,
} from '../../domain/routing/holiday-calendar.js';
import { localDay } from '../../domain/zoned-time.js';
import { logger, MetricUnit, metrics } from '../../observability.js';
import { loadPublicCalendar } from './holiday-calendar-store.js';

export { HOLIDAY_CALENDAR_MISSING_METRIC };

export interface CalendarCheckResult {
  readonly localDate: string;
  /** Years in the calendar (bundled or published). */
  readonly years: readonly number[];
  readonly missing: readonly MissingCalendarYear[];
}

export async function checkHolidayCalendar(
  at: string,
  timeZone = optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE),
): Promise<CalendarCheckResult> {
  const { calendar } = await loadPublicCalendar();
  const localDate = localDay(timeZone, Date.parse(at));
  const missing = missingCalendarYears(calendar, localDate);
  const years = Object.keys(calendar)
    .map(Number)
    .sort((a, b) => a - b);
  if (missing.length > 0) {
    logger.warn('public holiday calendar missing: publish it with PUT /v1/holiday-calendars/{year}', {
      missing,
      localDate,
    });
  }
  const gauge = metrics.singleMetric();
  gauge.addMetric(HOLIDAY_CALENDAR_MISSING_METRIC, MetricUnit.Count, missing.length);
  return { localDate, years, missing };
}
