/** POST /v1/numbers/{number}/reservation — hold an available number for the calling tenant. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { reserveNumber } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'reserveNumber',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    status: 201,
    body: await reserveNumber(path.number, requireTenant(principal), now.toISOString()),
  }),
);
