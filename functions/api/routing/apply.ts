import { applyRouting } from '../../../shared/adapters/dynamo/routing-apply.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { port } from '../../../shared/runtime/ports.js';

export const handler = apiHandler('applyRouting', { path: routingNumberPath }, async (req) => ({
  body: await applyRouting({
    number: req.path.number,
    tenantId: requireTenant(req.principal),
    telephony: await port('telephony'),
    at: req.now.toISOString(),
  }),
}));
