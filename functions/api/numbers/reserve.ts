/** POST /v1/numbers/{number}/reservation — hold an available number for the calling tenant. */
import { reserveNumber } from '../../../shared/adapters/dynamo/number-inventory.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler('reserveNumber', { path: numberPath }, async ({ path, principal, now }) => {
  const hold = await reserveNumber(path.number, requireTenant(principal), now.toISOString(), numbersConfig());
  return { status: 201, body: hold };
});
