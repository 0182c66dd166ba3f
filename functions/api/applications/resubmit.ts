/** POST /v1/applications/{id}/resubmission — send a rejected application back to review after fixing it. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath, resubmissionBody } from '../../../shared/http/schemas/numbers.js';
import { resubmitApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'resubmitApplication',
  { path: applicationPath, body: resubmissionBody },
  async ({ path, body, principal, now }) => ({
    body: await resubmitApplication(requireTenant(principal), path.id, body ?? {}, now.toISOString()),
  }),
);
