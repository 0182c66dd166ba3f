/** Job number-arrears: stops numbers of accounts in arrears past the grace period (one notice per tenant), restores them after a top-up, cancels them after the restore window. Safe to run twice. */
import { sweepArrears } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-arrears', (at) => sweepArrears(at, numbersConfig()));
