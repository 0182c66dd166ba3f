/** Job number-cancellation-notice. Primary course: numbers whose notice period ended are cancelled (fees settled, balance refunded) and quarantined. */
import type { NumbersDeps } from './deps.js';
import { sweepTimers } from './timer-sweep.js';

export const completeCancellations = (deps: NumbersDeps, at: string) =>
  sweepTimers(
    deps,
    'number-cancellation-notice',
    [{ timer: 'notice', commands: () => [{ type: 'complete_cancellation' }, { type: 'start_quarantine' }] }],
    at,
  );
