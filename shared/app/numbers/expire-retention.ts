/** Job number-retention-expiry. Primary course: suspended numbers that used up their retention allowance are cancelled and quarantined. */
import type { NumbersDeps } from './deps.js';
import { sweepTimers } from './timer-sweep.js';

export const expireRetention = (deps: NumbersDeps, at: string) =>
  sweepTimers(
    deps,
    'number-retention-expiry',
    [{ timer: 'retention', commands: () => [{ type: 'expire_retention' }, { type: 'start_quarantine' }] }],
    at,
  );
