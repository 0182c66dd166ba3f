/** Job holiday-recompile: recompiles every applied snapshot built with an older public holiday calendar and re-applies its Connect hours (only changed overrides are written). Idempotent and resumable: it compares calendar stamps. */
import { recompileHolidaySnapshots } from '../../shared/adapters/dynamo/holiday-recompile.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { port } from '../../shared/runtime/ports.js';

/** Stop taking new numbers well before the 300 s timeout; the next run carries on. */
const BUDGET_MS = 240_000;

export const handler = jobHandler('holiday-recompile', async (at) => {
  const stopAt = Date.now() + BUDGET_MS;
  return recompileHolidaySnapshots({
    at,
    telephony: await port('telephony'),
    outOfTime: () => Date.now() > stopAt,
  });
});
