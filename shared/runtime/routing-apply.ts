/** Routing's use cases that reach Connect (the telephony port); see ./routing.ts for the others. */
import { type ApplyRoutingRequest, applyRouting } from '../app/routing/apply-routing.js';
import { type RecompileHolidaysRequest, recompileHolidays } from '../app/routing/recompile-holidays.js';
import { logger } from '../observability.js';
import { port } from './ports.js';
import { routingStores } from './routing.js';
import { tariffAt } from './tariffs.js';

async function withTelephony() {
  return { ...routingStores, telephony: await port('telephony'), tariffAt };
}

export const routingApply = {
  applyRouting: async (request: ApplyRoutingRequest) => applyRouting(await withTelephony(), request),
  recompileHolidays: async (request: RecompileHolidaysRequest) =>
    recompileHolidays(
      {
        ...(await withTelephony()),
        onFailure: ({ number, accessNumber, error }) =>
          logger.warn('holiday recompile failed for a number; the next run retries it', {
            number,
            accessNumber,
            error: error as Error,
          }),
      },
      request,
    ),
};
