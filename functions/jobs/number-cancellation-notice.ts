/** Job number-cancellation-notice: Cancels numbers whose notice period ended: fees settled, balance refunded, quarantine starts. Safe to run twice. */
import { sweepNotices } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return sweepNotices(event.at ?? new Date().toISOString(), numbersConfig());
}
