/** Job number-effects: retries lifecycle side effects (settlement, refund, Connect release, notices) that failed after their state change committed. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { retryNumberEffects } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-effects', (at) => retryNumberEffects(at));
