/**
 * Job number-arrears, per tenant with live numbers. Primary course:
 *   - an account back in credit gets its stopped numbers restored (routing snapshot included) and its
 *     watch forgotten;
 *   - an account in arrears within its grace (from the account's `arrearsSince`, or from when this job
 *     first saw it) is remembered and waits;
 *   - an account in arrears past the grace has its active numbers stopped, and the tenant is told once per
 *     arrears episode (a durable notice written with the tenant's watch).
 * Then stopped numbers whose restore window ran out are cancelled and quarantined. Restores go first, so a
 * tenant who paid is never cancelled by lateness.
 */

import { epochSecondsAfterDays } from '../../domain/calendar-date.js';
import { DomainError } from '../../domain/errors.js';
import { type ArrearsWatch, arrearsStep } from '../../domain/numbers/arrears.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { noticeEffect } from '../../ports/number-effect-store.js';
import type { ArrearsWatchRecord } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';
import { runEffects } from './number-effects.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';
import { type JobReport, sweepTimers } from './timer-sweep.js';

export interface ArrearsReport extends JobReport {
  readonly stopped: number;
  readonly restored: number;
  readonly cancelled: number;
  readonly notified: number;
}

export async function sweepArrears(deps: NumbersDeps, at: string): Promise<ArrearsReport> {
  const { config } = deps;
  const actor = 'job:number-arrears';
  let stopped = 0;
  let restored = 0;
  let notified = 0;
  let skipped = 0;
  let failed = 0;
  const step = async (number: string, command: LifecycleCommand): Promise<boolean> => {
    try {
      await runLifecycleCommand(deps, number, command, { at, actor });
      return true;
    } catch (error) {
      if (error instanceof DomainError) skipped += 1;
      else {
        failed += 1;
        deps.log.error('number arrears step failed', { number, error: error as Error });
      }
      return false;
    }
  };
  const tenants = await deps.arrears.tenantsWithLiveNumbers();
  const { accounts, watches } = await deps.arrears.accountsAndWatches([...tenants.keys()]);
  for (const [tenantId, numbers] of tenants) {
    const remembered = watches.get(tenantId);
    const watch: ArrearsWatch | undefined = remembered
      ? {
          since: remembered.since,
          ...(typeof remembered.stoppedFor === 'string' ? { stoppedFor: remembered.stoppedFor } : {}),
        }
      : undefined;
    const decision = arrearsStep(accounts.get(tenantId), watch, at, config);
    try {
      if (decision.action === 'restore') {
        for (const n of numbers.stopped) if (await step(n, { type: 'restore_after_payment' })) restored += 1;
        if (remembered) await deps.arrears.forgetWatch(tenantId);
        continue;
      }
      // A forgotten watch (a tenant that left with its numbers) is dropped by the table after a while.
      const watchOf = (extra: Partial<ArrearsWatchRecord>): ArrearsWatchRecord => ({
        tenantId,
        since: decision.since,
        firstSeenAt: remembered?.firstSeenAt ?? at,
        expiresAt: epochSecondsAfterDays(
          decision.since,
          config.arrearsGraceDays + config.arrearsRestoreDays + 30,
        ),
        updatedAt: at,
        ...extra,
      });
      if (decision.action === 'wait') {
        if (decision.remember) {
          await deps.numbers.commit([
            { kind: 'arrears_watch', watch: watchOf({ graceEndsAt: decision.graceEndsAt }) },
          ]);
        }
        continue;
      }
      const newlyStopped: string[] = [];
      for (const n of numbers.active) if (await step(n, { type: 'stop_for_arrears' })) newlyStopped.push(n);
      stopped += newlyStopped.length;
      const all = [...numbers.stopped, ...newlyStopped].sort();
      if (!decision.notify || all.length === 0) continue;
      const notice = noticeEffect(`arrears#${tenantId}#${decision.since}`, at, {
        tenantId,
        kind: 'arrears',
        template: 'numbers_stopped',
        params: {
          numbers: all.join(', '),
          since: decision.since,
          days: String(config.arrearsRestoreDays),
        },
        dedupeKey: `arrears-stop#${tenantId}#${decision.since}`,
        attributes: { numbers: all.join(',') },
      });
      const recorded = await deps.numbers.commit([
        { kind: 'arrears_watch', watch: watchOf({ stoppedFor: decision.since, stoppedAt: at }) },
        { kind: 'effect', effect: notice },
      ]);
      if (!recorded) continue; // this episode's notice is already recorded (a concurrent run)
      await runEffects(deps, [notice], at);
      notified += 1;
    } catch (error) {
      failed += 1;
      deps.log.error('number arrears tenant step failed', { tenantId, error: error as Error });
    }
  }
  const expired = await sweepTimers(
    deps,
    'number-arrears',
    [{ timer: 'arrears', commands: () => [{ type: 'expire_arrears' }, { type: 'start_quarantine' }] }],
    at,
  );
  return {
    job: 'number-arrears',
    at,
    processed: stopped + restored + expired.processed,
    skipped: skipped + expired.skipped,
    failed: failed + expired.failed,
    stopped,
    restored,
    cancelled: expired.processed,
    notified,
  };
}
