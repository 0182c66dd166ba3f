/** POST /v1/applications/{id}/resubmission — send a rejected application back to review after fixing it. */
import { resubmitApplication } from '../../../shared/adapters/dynamo/number-applications.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath, resubmissionBody } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'resubmitApplication',
  { path: applicationPath, body: resubmissionBody },
  async ({ path, body, principal, now }) => ({
    body: await resubmitApplication(
      requireTenant(principal),
      path.id,
      body ?? {},
      now.toISOString(),
      numbersConfig(),
    ),
  }),
);
