import { listHolidayCalendars } from '../../../shared/app/routing/list-holiday-calendars.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { routingStores } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('listHolidayCalendars', {}, async () => ({
  body: await listHolidayCalendars(routingStores),
}));
