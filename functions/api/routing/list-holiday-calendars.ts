import { listCalendarYears } from '../../../shared/adapters/dynamo/holiday-calendar-store.js';
import { apiHandler } from '../../../shared/http/api-handler.js';

export const handler = apiHandler('listHolidayCalendars', {}, async () => ({
  body: await listCalendarYears(),
}));
