/** Job number-retention-expiry: cancels (and quarantines) suspended numbers that used up their retention allowance. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { expireRetention } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-retention-expiry', (at) => expireRetention(at));
