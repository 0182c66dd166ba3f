/**
 * The routing apply worker (queue routing-apply). Primary course: an apply message → read the job (pending
 * or applying, this jobId) → mark it applying → apply the job's configuration version as a diff
 * (apply-routing.ts: each Connect resource written only when its hash changed, recorded at once), recording
 * each step done on the job → applied, with the changes made.
 * Variations:
 *   - a message for a job replaced by a newer request, or already finished: nothing to do;
 *   - Connect throttles (ThrottlingException / TooManyRequestsException, after the adapter's own short
 *     back-off): the job stays applying and the message is sent again with a delay (4 s doubling to 15 min);
 *     a throttle is never a failure until THROTTLE_LIMIT re-queues (about a day);
 *   - any other error (Connect unavailable, a crash mid-apply redelivers the message): counted, sent again
 *     with a delay up to maxTries, then failed. Either way the next try continues from the next step: the
 *     steps done are recorded, so it makes no Connect write for them;
 *   - the configuration is gone, another owner's or no longer valid (a DomainError): failed with its code.
 */
import { DomainError } from '../../domain/errors.js';
import type { RoutingApplyMessage } from '../../ports/queue-messages.js';
import type { HolidayCalendarStore } from '../../ports/routing.js';
import type { ApplyJob } from '../../ports/routing-apply-jobs.js';
import { isTelephonyThrottling, type TelephonyPort } from '../../ports/telephony.js';
import { backoffSeconds } from '../../ports/work-queue.js';
import { type ApplyRoutingDeps, applyRouting } from './apply-routing.js';
import type { RoutingApplyQueueDeps } from './request-routing-apply.js';

export const APPLY_RETRIES = {
  maxTries: 5,
  backoffBaseSeconds: 15,
  /** Re-queues for throttling before the job fails (15-minute hops: about a day). */
  throttleLimit: 100,
  throttleBaseSeconds: 4,
} as const;

export type ApplyOutcome = 'applied' | 'throttled' | 'retry' | 'failed' | 'skipped';

export async function runRoutingApply(
  deps: RoutingApplyQueueDeps & {
    readonly calendars: HolidayCalendarStore;
    readonly telephony: () => Promise<TelephonyPort>;
    readonly promptAudio: ApplyRoutingDeps['promptAudio'];
    /** The tariffs in force from an instant on: the snapshot's rate steps (call setup's refusal point). */
    readonly tariffsFrom: ApplyRoutingDeps['tariffsFrom'];
  },
  message: RoutingApplyMessage,
  at: string,
  retries: typeof APPLY_RETRIES = APPLY_RETRIES,
): Promise<{ readonly outcome: ApplyOutcome; readonly number: string; readonly jobId: string }> {
  const { number, jobId } = message;
  const answer = (outcome: ApplyOutcome) => ({ outcome, number, jobId });
  const found = await deps.applyJobs.get(number);
  if (!found || found.jobId !== jobId || found.status === 'applied' || found.status === 'failed')
    return answer('skipped');
  let job: ApplyJob = found;
  const save = async (changes: Partial<ApplyJob>) => {
    job = { ...job, ...changes, updatedAt: at };
    if (!(await deps.applyJobs.save(job))) throw new Error(`apply job ${jobId} of ${number} was replaced`);
  };
  await save({ status: 'applying' });
  try {
    const result = await applyRouting(
      {
        routing: deps.routing,
        calendars: deps.calendars,
        telephony: await deps.telephony(),
        prompts: deps.prompts,
        promptAudio: deps.promptAudio,
        tariffsFrom: deps.tariffsFrom,
      },
      {
        number,
        tenantId: job.tenantId,
        at,
        configVersion: job.configVersion,
        onStep: async ({ done, total, next }) => {
          const { step: _s, ...rest } = job;
          job = rest;
          await save({ stepsDone: done, steps: total, ...(next ? { step: next } : {}) });
        },
      },
    );
    const { step: _s, ...rest } = job;
    job = rest;
    const { changes, unchanged, snapshot, connectWrites } = result;
    await save({
      status: 'applied',
      finishedAt: at,
      result: { changes, unchanged, snapshot, connectWrites },
    });
    return answer('applied');
  } catch (error) {
    if (error instanceof DomainError) {
      const { code, message: text, field } = error;
      await save({
        status: 'failed',
        finishedAt: at,
        error: { code, message: text, ...(field ? { field } : {}) },
      });
      return answer('failed');
    }
    const lastError = ((error as Error)?.message ?? String(error)).slice(0, 500);
    const queue = await deps.applyQueue();
    if (isTelephonyThrottling(error) && job.throttled < retries.throttleLimit) {
      const throttled = job.throttled + 1;
      await save({ throttled, lastError });
      await queue.send(message, { delaySeconds: backoffSeconds(throttled, retries.throttleBaseSeconds) });
      return answer('throttled');
    }
    const tries = job.tries + 1;
    if (tries < retries.maxTries) {
      await save({ tries, lastError });
      await queue.send(message, { delaySeconds: backoffSeconds(tries, retries.backoffBaseSeconds) });
      return answer('retry');
    }
    await save({
      status: 'failed',
      tries,
      lastError,
      finishedAt: at,
      error: {
        code: 'connect_unavailable',
        message: 'Amazon Connect did not take the configuration; apply again later',
      },
    });
    return answer('failed');
  }
}
