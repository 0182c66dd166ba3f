/** GET /v1/numbers — the calling tenant's numbers. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { pageQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { listMyNumbers } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'listMyNumbers',
  { query: pageQuery },
  async ({ query, principal, now }) => ({
    body: await listMyNumbers(
      requireTenant(principal),
      query.limit ?? DEFAULT_PAGE_SIZE,
      query.cursor,
      now.toISOString(),
    ),
  }),
);
