/** Job number-hold-expiry. Primary course: numbers whose reservation hold ran out return to the pool and leave their tenant's hold list. */
import type { NumbersDeps } from './deps.js';
import { sweepTimers } from './timer-sweep.js';

export const expireHolds = (deps: NumbersDeps, at: string) =>
  sweepTimers(deps, 'number-hold-expiry', [{ timer: 'hold', commands: () => [{ type: 'expire_hold' }] }], at);
