import { storeRouting } from '../../../shared/adapters/dynamo/routing-service.js';
import type { RoutingConfigInput } from '../../../shared/domain/routing/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { expectedVersion } from '../../../shared/http/if-match.js';
import { routingConfigBody, routingNumberPath } from '../../../shared/http/schemas/routing.js';

export const handler = apiHandler(
  'putRouting',
  { path: routingNumberPath, body: routingConfigBody },
  async (req) => {
    const stored = await storeRouting(
      req.path.number,
      requireTenant(req.principal),
      req.body as RoutingConfigInput,
      req.now.toISOString(),
      expectedVersion(req.headers['if-match'] ?? req.headers['If-Match']),
    );
    return { status: 200, body: stored, headers: { etag: `"${stored.version}"` } };
  },
);
