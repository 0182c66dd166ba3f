/** Job holiday-recompile: recompiles every applied snapshot built with an older public holiday calendar and re-applies its Connect hours (only changed overrides are written). Idempotent and resumable: it compares calendar stamps. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { routingApply } from '../../shared/runtime/routing-apply.js';

/** Stop taking new numbers well before the 300 s timeout; the next run carries on. */
const BUDGET_MS = 240_000;

export const handler = jobHandler('holiday-recompile', async (at) => {
  // Elapsed time, not the clock in force: the budget is the Lambda's timeout.
  const stopAt = performance.now() + BUDGET_MS;
  return routingApply.recompileHolidays({ at, outOfTime: () => performance.now() > stopAt });
});
