/** GET /v1/prompts — the tenant's recorded prompts, a page at a time. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { promptsQuery } from '../../../shared/http/schemas/routing.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { prompts } from '../../../shared/runtime/routing-prompts.js';

export const handler = apiHandler('listPrompts', { query: promptsQuery }, async ({ query, principal }) => ({
  body: await prompts.listPrompts({
    tenantId: requireTenant(principal),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
  }),
}));
