/** Job number-hold-expiry: returns numbers whose reservation hold ran out to the pool. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { expireHolds } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-hold-expiry', (at) => expireHolds(at));
