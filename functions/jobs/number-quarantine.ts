/** Job number-quarantine: Returns numbers whose quarantine ended to the pool. Safe to run twice. */
import { sweepQuarantine } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-quarantine', (at) => sweepQuarantine(at, numbersConfig()));
