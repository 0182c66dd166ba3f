/**
 * The lifecycle's timers, swept. Each number runs at most one timer; a job reads what is due at `at` and
 * applies the commands that timer triggers. A transition moves the number off that timer, so running a job
 * twice changes nothing the second time; a number someone changed meanwhile is skipped (its new state
 * decides).
 */
import { DomainError } from '../../domain/errors.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import type { NumberRecord, Timer } from '../../domain/numbers/number.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export interface JobReport {
  readonly job: string;
  readonly at: string;
  readonly processed: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface TimerRule {
  readonly timer: Timer;
  readonly commands: (number: NumberRecord) => LifecycleCommand[];
}

export async function sweepTimers(
  deps: NumbersDeps,
  job: string,
  rules: readonly TimerRule[],
  at: string,
): Promise<JobReport> {
  let processed = 0;
  let skipped = 0;
  let failed = 0;
  for (const { timer, commands } of rules) {
    for await (const number of deps.numbers.due(timer, at)) {
      try {
        for (const command of commands(number)) {
          const holder = number.tenantId;
          await runLifecycleCommand(
            deps,
            number.number,
            command,
            { at, actor: `job:${job}` },
            // An expired hold leaves its tenant's hold list too.
            command.type === 'expire_hold' && holder
              ? { writes: async () => [await holdConsumed(deps, holder, number.number, at)] }
              : {},
          );
        }
        processed += 1;
      } catch (error) {
        if (error instanceof DomainError && (error.kind === 'conflict' || error.kind === 'not_found')) {
          skipped += 1; // changed since it was indexed: its new state decides
        } else {
          failed += 1;
          deps.log.error('number job step failed', { job, number: number.number, error: error as Error });
        }
      }
    }
  }
  return { job, at, processed, skipped, failed };
}
