/** POST /v1/applications — apply for a number the tenant holds; documents follow, then submission. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { createApplicationBody } from '../../../shared/http/schemas/numbers.js';
import { createApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'createApplication',
  { body: createApplicationBody },
  async ({ body, principal, now }) => ({
    status: 201,
    body: await createApplication(requireTenant(principal), body, now.toISOString()),
  }),
);
