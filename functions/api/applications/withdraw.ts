/** DELETE /v1/applications/{id} — withdraw a draft or rejected application; the number returns to the pool. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';
import { withdrawApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'withdrawApplication',
  { path: applicationPath },
  async ({ path, principal, now }) => ({
    body: await withdrawApplication(requireTenant(principal), path.id, now.toISOString()),
  }),
);
