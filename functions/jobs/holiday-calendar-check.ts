/** Job holiday-calendar-check: warns (log + HolidayCalendarMissingYears metric, alarmed) when the current year's public holiday calendar, or from 1 December the next year's, is not published. Read-only. */
import { checkHolidayCalendar } from '../../shared/adapters/dynamo/holiday-calendar-check.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('holiday-calendar-check', (at) => checkHolidayCalendar(at));
