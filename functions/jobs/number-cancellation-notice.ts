/** Job number-cancellation-notice: cancels numbers whose notice period ended: fees settled, balance refunded, quarantine starts. Safe to run twice. */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { completeCancellations } from '../../shared/runtime/numbers.js';

export const handler = jobHandler('number-cancellation-notice', (at) => completeCancellations(at));
