/** GET /v1/applications/{id} — one of the tenant's applications with its documents (no file URLs) and history. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';
import { getApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'getApplication',
  { path: applicationPath },
  async ({ path, principal }) => ({
    body: await getApplication(requireTenant(principal), path.id),
  }),
);
