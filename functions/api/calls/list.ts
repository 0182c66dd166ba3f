/** GET /v1/calls?number=&from=&to= — a number's call records, newest first (default: the last 7 days). */
import { listCalls } from '../../../shared/adapters/dynamo/call-queries.js';
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { callsQuery } from '../../../shared/http/schemas/money.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler('listCalls', { query: callsQuery }, async ({ query, principal, now }) => {
  const to = query.to ?? now.toISOString();
  const from = query.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
  if (Date.parse(from) > Date.parse(to)) throw invalid('invalid_range', 'from must not be after to', 'from');
  const page = await listCalls(
    requireTenant(principal),
    query.number,
    from,
    to,
    query.limit ?? DEFAULT_PAGE_SIZE,
    query.cursor,
    now,
  );
  return { body: page };
});
