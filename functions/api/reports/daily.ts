/** GET /v1/reports/daily?number=&from=&to= — daily call report (days in Asia/Shanghai, at most 31). */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { dailyReportQuery } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'dailyReport',
  { query: dailyReportQuery },
  async ({ query, principal, now }) => ({
    body: await money.dailyReport({ ...query, tenantId: requireTenant(principal), now }),
  }),
);
