/** Job number-arrears: stops numbers of accounts in arrears past the grace period (one notice per tenant), restores them after a top-up, cancels them after the restore window. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { sweepArrears } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-arrears', (at) => sweepArrears(at));
