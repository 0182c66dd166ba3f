/** GET /v1/calls?number=&from=&to= — a number's call records, newest first (default: the last 7 days). */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { callsQuery } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler('listCalls', { query: callsQuery }, async ({ query, principal, now }) => ({
  body: await money.listCalls({ ...query, tenantId: requireTenant(principal), now }),
}));
