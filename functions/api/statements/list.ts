import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { listStatementsQuery } from '../../../shared/http/schemas/billing.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler(
  'listStatements',
  { query: listStatementsQuery },
  async ({ query, principal }) => ({
    body: await billing.listStatements(requireTenant(principal), {
      limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    }),
  }),
);
