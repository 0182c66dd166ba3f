/** POST /v1/numbers/{number}/cancellation — ask to cancel; the number is cancelled after the notice period. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { requestCancellation } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'requestCancellation',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    status: 202,
    body: await requestCancellation(path.number, requireTenant(principal), now.toISOString()),
  }),
);
