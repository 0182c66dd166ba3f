import { getRouting } from '../../../shared/app/routing/get-routing.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { routingStores } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('getRouting', { path: routingNumberPath }, async (req) => ({
  body: await getRouting(routingStores, { number: req.path.number, tenantId: requireTenant(req.principal) }),
}));
