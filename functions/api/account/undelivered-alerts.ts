/** GET /v1/account/alerts/undelivered — the tenant's alerts refused for good, newest first, paginated. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { undeliveredAlertsQuery } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'listUndeliveredAlerts',
  { query: undeliveredAlertsQuery },
  async ({ query, principal }) => ({
    body: await money.listUndeliveredAlerts(requireTenant(principal), query),
  }),
);
