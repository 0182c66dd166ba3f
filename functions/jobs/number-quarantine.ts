/** Job number-quarantine: Returns numbers whose quarantine ended to the pool. Safe to run twice. */
import { sweepQuarantine } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return sweepQuarantine(event.at ?? new Date().toISOString(), numbersConfig());
}
