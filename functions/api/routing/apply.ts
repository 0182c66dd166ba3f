/**
 * POST /v1/numbers/{number}/routing/apply — 202 with the apply job; the routing apply worker applies it to
 * Connect (GET …/routing shows its progress as `applyJob`).
 */
import { randomUUID } from 'node:crypto';
import { applyJobView, requestRoutingApply } from '../../../shared/app/routing/request-routing-apply.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath } from '../../../shared/http/schemas/routing.js';
import { routingStores } from '../../../shared/runtime/routing.js';

export const handler = apiHandler('applyRouting', { path: routingNumberPath }, async (req) => {
  const job = await requestRoutingApply(
    { ...routingStores, newId: randomUUID },
    { number: req.path.number, tenantId: requireTenant(req.principal), at: req.now.toISOString() },
  );
  return { status: 202, body: applyJobView(job) };
});
