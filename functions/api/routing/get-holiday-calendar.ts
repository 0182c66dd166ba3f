import { getHolidayCalendar } from '../../../shared/app/routing/get-holiday-calendar.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { holidayCalendarPath } from '../../../shared/http/schemas/routing.js';
import { routingStores } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('getHolidayCalendar', { path: holidayCalendarPath }, async (req) => {
  const view = await getHolidayCalendar(routingStores, Number(req.path.year));
  const headers: Record<string, string> = view.version === undefined ? {} : { etag: `"${view.version}"` };
  return { body: view, headers };
});
