import { listStatements } from '../../../shared/adapters/dynamo/statement-store.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { listStatementsQuery } from '../../../shared/http/schemas/billing.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler(
  'listStatements',
  { query: listStatementsQuery },
  async ({ query, principal }) => ({
    body: await listStatements(
      requireTenant(principal),
      query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
      query.cursor,
    ),
  }),
);
