/** Job number-hold-expiry: Returns numbers whose reservation hold ran out to the pool. Safe to run twice. */
import { sweepHolds } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-hold-expiry', (at) => sweepHolds(at, numbersConfig()));
