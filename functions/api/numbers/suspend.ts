/** Suspend the number with retention (报停保号); calls stop, the number is kept. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { suspendNumber } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'suspendNumber',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    body: await suspendNumber(path.number, requireTenant(principal), now.toISOString()),
  }),
);
