/** Routing's use cases that reach Connect (the telephony port): the apply worker and the holiday recompile; see ./routing.ts for the others. */
import { type ApplyRoutingRequest, applyRouting } from '../app/routing/apply-routing.js';
import { type RecompileHolidaysRequest, recompileHolidays } from '../app/routing/recompile-holidays.js';
import type { RoutingApplyMessage } from '../app/routing/request-routing-apply.js';
import { runRoutingApply } from '../app/routing/run-routing-apply.js';
import { logger } from '../observability.js';
import { port } from './ports.js';
import { routingStores } from './routing.js';
import { tariffsFrom } from './tariffs.js';

/** Reached only when a configuration plays recorded audio. */
const promptAudio = () => port('promptAudio');

async function withTelephony() {
  return { ...routingStores, telephony: await port('telephony'), promptAudio, tariffsFrom };
}

export const routingApply = {
  applyRouting: async (request: ApplyRoutingRequest) => applyRouting(await withTelephony(), request),
  /** The routing apply worker's use case (functions/jobs/routing-apply-worker.ts). */
  runRoutingApply: (message: RoutingApplyMessage, at: string) =>
    runRoutingApply(
      { ...routingStores, telephony: () => port('telephony'), promptAudio, tariffsFrom },
      message,
      at,
    ),
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
