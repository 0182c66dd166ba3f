/** GET /v1/prompts/{promptId} — one of the tenant's prompts and whether its audio has arrived. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { promptPath } from '../../../shared/http/schemas/routing.js';
import { prompts } from '../../../shared/runtime/routing-prompts.js';

export const handler = apiHandler('getPrompt', { path: promptPath }, async (req) => ({
  status: 200,
  body: await prompts.getPrompt({ tenantId: requireTenant(req.principal), promptId: req.path.promptId }),
}));
