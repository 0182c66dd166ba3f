import { testCall } from '../../../shared/adapters/dynamo/routing-service.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { routingNumberPath, testCallBody } from '../../../shared/http/schemas/routing.js';

export const handler = apiHandler(
  'testRoutingCall',
  { path: routingNumberPath, body: testCallBody },
  async (req) => {
    const { source, configVersion, outcome, steps, attempts } = await testCall(
      req.path.number,
      requireTenant(req.principal),
      {
        ...req.body,
        at: req.body.at ? new Date(req.body.at) : req.now,
      },
    );
    return { body: { source, configVersion, outcome, attempts, steps } };
  },
);
