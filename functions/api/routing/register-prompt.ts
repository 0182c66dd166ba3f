/** POST /v1/prompts — register a recorded prompt and get the form to upload its audio with. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { promptBody } from '../../../shared/http/schemas/routing.js';
import { prompts } from '../../../shared/runtime/routing-prompts.js';

export const handler = apiHandler('registerPrompt', { body: promptBody }, async (req) => ({
  status: 201,
  body: await prompts.registerPrompt({
    tenantId: requireTenant(req.principal),
    name: req.body.name,
    at: req.now.toISOString(),
  }),
}));
