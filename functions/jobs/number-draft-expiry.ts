/** Job number-draft-expiry: withdraws draft applications never submitted in time; their numbers return to the pool. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { expireDrafts } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-draft-expiry', (at) => expireDrafts(at));
