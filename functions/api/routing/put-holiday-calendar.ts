import { publishedView, publishYear } from '../../../shared/adapters/dynamo/holiday-calendar-store.js';
import { invalid } from '../../../shared/domain/errors.js';
import { normaliseCalendarYear } from '../../../shared/domain/routing/holiday-calendar.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { holidayCalendarBody, holidayCalendarPath } from '../../../shared/http/schemas/routing.js';

/** If-Match: "<version>" makes the write conditional on the version the operator read. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw invalid('invalid_if_match', 'If-Match is the version number you read', 'If-Match');
  return Number(m[1]);
}

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
