import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath, testCallBody } from '../../../shared/http/schemas/routing.js';
import { routingTestCall } from '../../../shared/runtime/routing-test-call.js';

export const handler = apiHandler(
  'testRoutingCall',
  { path: routingNumberPath, body: testCallBody },
  async (req) => {
    const { source, configVersion, outcome, steps, attempts } = await routingTestCall.simulateTestCall({
      ...req.body,
      number: req.path.number,
      tenantId: requireTenant(req.principal),
      at: req.body.at ? new Date(req.body.at) : req.now,
    });
    return { body: { source, configVersion, outcome, attempts, steps } };
  },
);
