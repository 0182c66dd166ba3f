/** Job number-quarantine: returns numbers whose quarantine ended to the pool. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { releaseQuarantine } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-quarantine', (at) => releaseQuarantine(at));
