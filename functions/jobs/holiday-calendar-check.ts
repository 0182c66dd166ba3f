/** Job holiday-calendar-check: warns (log + HolidayCalendarMissingYears metric, alarmed) when the current year's public holiday calendar, or from 1 December the next year's, is not published. Read-only. */
import { checkHolidayCalendar } from '../../shared/app/routing/check-holiday-calendar.js';
import { HOLIDAY_CALENDAR_MISSING_METRIC } from '../../shared/domain/routing/holiday-calendar.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { routingStores, timeZone } from '../../shared/runtime/routing.js';

export const handler = jobHandler('holiday-calendar-check', async (at) => {
  const result = await checkHolidayCalendar({ ...routingStores, timeZone: timeZone() }, at);
  if (result.missing.length > 0) {
    logger.warn('public holiday calendar missing: publish it with PUT /v1/holiday-calendars/{year}', {
      missing: result.missing,
      localDate: result.localDate,
    });
  }
  // Emitted every run, 0 when all is well, so an alarm on it never starves.
  metrics.singleMetric().addMetric(HOLIDAY_CALENDAR_MISSING_METRIC, MetricUnit.Count, result.missing.length);
  return result;
});
