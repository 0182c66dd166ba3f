/** Job number-cancellation-notice: Cancels numbers whose notice period ended: fees settled, balance refunded, quarantine starts. Safe to run twice. */
import { sweepNotices } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-cancellation-notice', (at) => sweepNotices(at, numbersConfig()));
