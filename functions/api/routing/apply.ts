import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { routingApply } from '../../../shared/runtime/routing-apply.js';

export const handler = apiHandler('applyRouting', { path: routingNumberPath }, async (req) => ({
  body: await routingApply.applyRouting({
    number: req.path.number,
    tenantId: requireTenant(req.principal),
    at: req.now.toISOString(),
  }),
}));
