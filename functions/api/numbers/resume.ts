/** Resume a suspended number. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';
import { resumeNumber } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler('resumeNumber', { path: numberPath }, async ({ path, principal, now }) => ({
  body: await resumeNumber(path.number, requireTenant(principal), now.toISOString()),
}));
