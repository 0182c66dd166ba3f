import { publishHolidayCalendar } from '../../../shared/app/routing/publish-holiday-calendar.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { expectedVersion } from '../../../shared/http/if-match.js';
import { holidayCalendarBody, holidayCalendarPath } from '../../../shared/http/schemas/routing.js';
import { routingStores } from '../../../shared/runtime/routing.js';

export const handler = apiHandler(
  'putHolidayCalendar',
  { path: holidayCalendarPath, body: holidayCalendarBody },
  async (req) => {
    const { view, version } = await publishHolidayCalendar(routingStores, {
      year: Number(req.path.year),
      input: req.body,
      by: req.principal.subject,
      at: req.now.toISOString(),
      expectedVersion: expectedVersion(req.headers['if-match'] ?? req.headers['If-Match']),
    });
    return { body: view, headers: { etag: `"${version}"` } };
  },
);
