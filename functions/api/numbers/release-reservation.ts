/** DELETE /v1/numbers/{number}/reservation — give a held number back to the pool. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { releaseReservation } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'releaseReservation',
  { path: numberPath },
  async ({ path, principal, now }) => {
    await releaseReservation(path.number, requireTenant(principal), now.toISOString());
    return { status: 204 };
  },
);
