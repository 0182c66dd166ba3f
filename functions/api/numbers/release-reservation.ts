/** DELETE /v1/numbers/{number}/reservation — give a held number back to the pool. */
import { releaseHold } from '../../../shared/adapters/dynamo/number-inventory.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'releaseReservation',
  { path: numberPath },
  async ({ path, principal, now }) => {
    await releaseHold(path.number, requireTenant(principal), now.toISOString(), numbersConfig());
    return { status: 204 };
  },
);
