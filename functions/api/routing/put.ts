import { storeRouting } from '../../../shared/adapters/dynamo/routing-service.js';
import { invalid } from '../../../shared/domain/errors.js';
import type { RoutingConfigInput } from '../../../shared/domain/routing/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingConfigBody, routingNumberPath } from '../../../shared/http/schemas/routing.js';

/** If-Match: "<version>" makes the write conditional on the version the client read. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw invalid('invalid_if_match', 'If-Match is the version number you read', 'If-Match');
  return Number(m[1]);
}

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
