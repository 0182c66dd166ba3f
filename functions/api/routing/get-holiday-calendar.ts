import { readCalendarYear } from '../../../shared/adapters/dynamo/holiday-calendar-store.js';
import { checkCalendarYear } from '../../../shared/domain/routing/holiday-calendar.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { holidayCalendarPath } from '../../../shared/http/schemas/routing.js';

export const handler = apiHandler('getHolidayCalendar', { path: holidayCalendarPath }, async (req) => {
  const view = await readCalendarYear(checkCalendarYear(Number(req.path.year)));
  const headers: Record<string, string> = view.version === undefined ? {} : { etag: `"${view.version}"` };
  return { body: view, headers };
});
