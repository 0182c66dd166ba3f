/** GET /v1/applications — the tenant's applications, newest first. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { pageQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { listApplications } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler('listApplications', { query: pageQuery }, async ({ query, principal }) => ({
  body: await listApplications(requireTenant(principal), query.limit ?? DEFAULT_PAGE_SIZE, query.cursor),
}));
