import { readRouting } from '../../../shared/adapters/dynamo/routing-service.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';

export const handler = apiHandler('getRouting', { path: routingNumberPath }, async (req) => ({
  body: await readRouting(req.path.number, requireTenant(req.principal)),
}));
