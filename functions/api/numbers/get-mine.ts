/** GET /v1/numbers/{number} — one of the calling tenant's numbers with its history. */
import { getTenantNumber } from '../../../shared/adapters/dynamo/number-views.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler('getMyNumber', { path: numberPath }, async ({ path, principal, now }) => {
  return { body: await getTenantNumber(requireTenant(principal), path.number, now.toISOString()) };
});
