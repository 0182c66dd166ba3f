/** Job number-retention-expiry: Cancels (and quarantines) suspended numbers that used up their retention allowance. Safe to run twice. */
import { sweepRetention } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-retention-expiry', (at) => sweepRetention(at, numbersConfig()));
