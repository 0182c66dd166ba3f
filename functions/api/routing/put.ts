import { putRouting } from '../../../shared/app/routing/put-routing.js';
import type { RoutingConfigInput } from '../../../shared/domain/routing/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { expectedVersion } from '../../../shared/http/if-match.js';
import { routingConfigBody, routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { routingStores, timeZone } from '../../../shared/runtime/routing.js';

export const handler = apiHandler(
  'putRouting',
  { path: routingNumberPath, body: routingConfigBody },
  async (req) => {
    const stored = await putRouting(
      { ...routingStores, timeZone: timeZone() },
      {
        number: req.path.number,
        tenantId: requireTenant(req.principal),
        input: req.body as RoutingConfigInput,
        at: req.now.toISOString(),
        expectedVersion: expectedVersion(req.headers['if-match'] ?? req.headers['If-Match']),
      },
    );
    return { status: 200, body: stored, headers: { etag: `"${stored.version}"` } };
  },
);
