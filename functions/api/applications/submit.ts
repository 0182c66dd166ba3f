/** POST /v1/applications/{id}/submission — send a complete application to review (incomplete: 400 listing what is missing). */
import { submitApplication } from '../../../shared/adapters/dynamo/number-applications.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'submitApplication',
  { path: applicationPath },
  async ({ path, principal, now }) => ({
    body: await submitApplication(requireTenant(principal), path.id, now.toISOString(), numbersConfig()),
  }),
);
