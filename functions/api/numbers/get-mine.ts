/** GET /v1/numbers/{number} — one of the calling tenant's numbers with its history. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { getMyNumber } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler('getMyNumber', { path: numberPath }, async ({ path, principal, now }) => ({
  body: await getMyNumber(requireTenant(principal), path.number, now.toISOString()),
}));
