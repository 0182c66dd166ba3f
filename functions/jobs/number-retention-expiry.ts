/** Job number-retention-expiry: Cancels (and quarantines) suspended numbers that used up their retention allowance. Safe to run twice. */
import { sweepRetention } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return sweepRetention(event.at ?? new Date().toISOString(), numbersConfig());
}
