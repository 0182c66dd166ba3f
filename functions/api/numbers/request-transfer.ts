/** POST /v1/numbers/{number}/transfer — the owner offers the number to another tenant (who must accept). */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath, transferBody } from '../../../shared/http/schemas/numbers.js';
import { requestTransfer } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'requestTransfer',
  { path: numberPath, body: transferBody },
  async ({ path, body, principal, now }) => ({
    status: 202,
    body: await requestTransfer(path.number, requireTenant(principal), body.toTenantId, now.toISOString()),
  }),
);
