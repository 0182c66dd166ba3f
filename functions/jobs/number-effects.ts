/** Job number-effects: retries lifecycle side effects (settlement, refund, Connect release, notices) that failed after their state change committed. Safe to run twice. */
import { sweepEffects } from '../../shared/adapters/dynamo/number-jobs.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return sweepEffects(event.at ?? new Date().toISOString(), numbersConfig());
}
