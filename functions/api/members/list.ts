/** GET /v1/members — the tenant's members (tenant-admins). */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { membersQuery } from '../../../shared/http/schemas/members.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { members } from '../../../shared/runtime/members.js';

export const handler = apiHandler(
  'listMembers',
  { query: membersQuery },
  async ({ query, principal, now }) => ({
    body: await members.list({
      actor: { tenantId: requireTenant(principal), sub: principal.subject, email: principal.email },
      now,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  }),
);
