/** Job number-effects: retries lifecycle side effects (settlement, refund, Connect release, notices) that failed after their state change committed. Safe to run twice. */
import { sweepEffects } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-effects', (at) => sweepEffects(at, numbersConfig()));
