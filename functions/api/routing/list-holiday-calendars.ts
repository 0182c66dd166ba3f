import { apiHandler } from '../../../shared/http/api-handler.js';
import { routing } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('listHolidayCalendars', {}, async () => ({
  body: await routing.listHolidayCalendars(),
}));
