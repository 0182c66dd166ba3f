/** DELETE /v1/prompts/{promptId} — delete a prompt none of the tenant's routing plays, freeing its slot. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { promptPath } from '../../../shared/http/schemas/routing.js';
import { promptDeletion } from '../../../shared/runtime/routing-prompt-delete.js';

export const handler = apiHandler('deletePrompt', { path: promptPath }, async ({ path, principal }) => {
  await promptDeletion.deletePrompt({ tenantId: requireTenant(principal), promptId: path.promptId });
  return { status: 204 };
});
