import { listIncidents } from '../../../shared/adapters/dynamo/incident-store.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { listIncidentsQuery } from '../../../shared/http/schemas/billing.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler('listIncidents', { query: listIncidentsQuery }, async ({ query }) => ({
  body: await listIncidents(query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE, query.cursor),
}));
