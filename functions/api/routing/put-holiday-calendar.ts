import { publishedView, publishYear } from '../../../shared/adapters/dynamo/holiday-calendar-store.js';
import { normaliseCalendarYear } from '../../../shared/domain/routing/holiday-calendar.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { expectedVersion } from '../../../shared/http/if-match.js';
import { holidayCalendarBody, holidayCalendarPath } from '../../../shared/http/schemas/routing.js';

export const handler = apiHandler(
  'putHolidayCalendar',
  { path: holidayCalendarPath, body: holidayCalendarBody },
  async (req) => {
    const content = normaliseCalendarYear(Number(req.path.year), req.body);
    const { stored, changed } = await publishYear(
      content,
      req.principal.subject,
      req.now.toISOString(),
      expectedVersion(req.headers['if-match'] ?? req.headers['If-Match']),
    );
    return {
      body: { ...publishedView(stored), changed },
      headers: { etag: `"${stored.version}"` },
    };
  },
);
