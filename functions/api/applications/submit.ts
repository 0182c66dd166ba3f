/** POST /v1/applications/{id}/submission — send a complete application to review (incomplete: 400 listing what is missing). */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';
import { submitApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'submitApplication',
  { path: applicationPath },
  async ({ path, principal, now }) => ({
    body: await submitApplication(requireTenant(principal), path.id, now.toISOString()),
  }),
);
