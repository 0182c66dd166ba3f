/**
 * Job number-quarantine. Primary course: numbers whose quarantine ended return to the pool. Variation:
 * cancelled numbers whose quarantine did not start (an interrupted run) start it now.
 */
import type { NumbersDeps } from './deps.js';
import { sweepTimers } from './timer-sweep.js';

export const releaseQuarantine = (deps: NumbersDeps, at: string) =>
  sweepTimers(
    deps,
    'number-quarantine',
    [
      { timer: 'quarantine-start', commands: () => [{ type: 'start_quarantine' }] },
      { timer: 'quarantine', commands: () => [{ type: 'release_quarantine' }] },
    ],
    at,
  );
