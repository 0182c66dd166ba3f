/** GET /v1/audit-events — the audit trail: a tenant-admin's own tenant, or the tenant an operator names. */
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { auditEventsQuery } from '../../../shared/http/schemas/members.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { audit } from '../../../shared/runtime/members.js';

export const handler = apiHandler(
  'listAuditEvents',
  { query: auditEventsQuery },
  async ({ query, principal }) => {
    const own = principal.tenantId;
    if (own !== undefined && query.tenantId !== undefined && query.tenantId !== own)
      throw invalid('tenant_not_yours', 'tenants read their own trail: leave tenantId out', 'tenantId');
    const tenantId = own ?? query.tenantId;
    if (tenantId === undefined)
      throw invalid(
        'tenant_required',
        'operators name the tenant whose trail to read (or platform)',
        'tenantId',
      );
    return {
      body: await audit.list({
        reader: own !== undefined ? 'tenant' : 'operator',
        tenantId,
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.object !== undefined ? { object: query.object } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      }),
    };
  },
);
