import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { routing } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('getRouting', { path: routingNumberPath }, async (req) => ({
  body: await routing.getRouting({ number: req.path.number, tenantId: requireTenant(req.principal) }),
}));
