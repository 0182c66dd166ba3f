/** Job number-draft-expiry: withdraws draft applications never submitted in time; their numbers return to the pool. Safe to run twice. */
import { expireDrafts } from '../../shared/adapters/dynamo/number-applications.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';

export async function handler(event: { at?: string } = {}) {
  return expireDrafts(event.at ?? new Date().toISOString(), numbersConfig());
}
