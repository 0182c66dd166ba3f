/** GET /v1/review/applications — operators: applications waiting for a decision, oldest first. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { pageQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { listPendingApplications } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler('listPendingApplications', { query: pageQuery }, async ({ query }) => ({
  body: await listPendingApplications(query.limit ?? DEFAULT_PAGE_SIZE, query.cursor),
}));
