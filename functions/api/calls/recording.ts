/** GET /v1/calls/{contactId}/recording — a 5-minute download link to the tenant's own call's recording. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { callPath } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'getCallRecording',
  { path: callPath },
  async ({ path, principal, now }) => ({
    body: await money.getCallRecording({
      tenantId: requireTenant(principal),
      contactId: path.contactId,
      now,
    }),
  }),
);
