/** Withdraw a cancellation request during its notice period. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { withdrawCancellation } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'withdrawCancellation',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    body: await withdrawCancellation(path.number, requireTenant(principal), now.toISOString()),
  }),
);
