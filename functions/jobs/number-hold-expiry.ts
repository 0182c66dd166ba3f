/** Job number-hold-expiry: Returns numbers whose reservation hold ran out to the pool. Safe to run twice. */
import { sweepHolds } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return sweepHolds(event.at ?? new Date().toISOString(), numbersConfig());
}
