import { apiHandler } from '../../../shared/http/api-handler.js';
import { listIncidentsQuery } from '../../../shared/http/schemas/billing.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler('listIncidents', { query: listIncidentsQuery }, async ({ query }) => ({
  body: await billing.listIncidents({
    limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  }),
}));
