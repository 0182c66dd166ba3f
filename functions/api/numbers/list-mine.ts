/** GET /v1/numbers — the calling tenant's numbers. */
import { listTenantNumbers } from '../../../shared/adapters/dynamo/number-views.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { pageQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler(
  'listMyNumbers',
  { query: pageQuery },
  async ({ query, principal, now }) => {
    const page = await listTenantNumbers(
      requireTenant(principal),
      query.limit ?? DEFAULT_PAGE_SIZE,
      query.cursor,
      now.toISOString(),
    );
    return { body: page };
  },
);
