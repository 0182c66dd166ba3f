/**
 * Primary course: a tenant asks for its routing to be applied to Connect → check ownership, that there is a
 * configuration of its own and that it still fits the number's restrictions → record a pending apply job
 * for the current version → send it to the routing apply worker → answer 202 with the job (GET …/routing
 * shows it as `applyJob` until it is applied or failed).
 * Variations: not the tenant's number → not found; no configuration → conflict (nothing_to_apply); an
 * invalid one → validation error; a job for the same version still pending or applying → that job again
 * (sent to the worker again only when it has not moved for STALE_MINUTES, say its message was lost).
 */
import { conflict } from '../../domain/errors.js';
import { validateConfig } from '../../domain/routing/config.js';
import type { PromptStore } from '../../ports/prompts.js';
import type { RoutingApplyMessage } from '../../ports/queue-messages.js';
import type { RoutingStore } from '../../ports/routing.js';
import type { ApplyJob, RoutingApplyJobStore } from '../../ports/routing-apply-jobs.js';
import type { WorkQueue } from '../../ports/work-queue.js';
import { ownedNumber } from './owned-number.js';
import { ownedPromptsOf } from './owned-prompts.js';

export type { RoutingApplyMessage };

export interface RoutingApplyQueueDeps {
  readonly routing: RoutingStore;
  readonly prompts: PromptStore;
  readonly applyJobs: RoutingApplyJobStore;
  readonly applyQueue: () => Promise<WorkQueue<RoutingApplyMessage>>;
}

/** A job in progress that has not moved for this long is sent to the worker again on the next request. */
export const STALE_MINUTES = 20;

export async function requestRoutingApply(
  deps: RoutingApplyQueueDeps & { readonly newId: () => string },
  request: { readonly number: string; readonly tenantId: string; readonly at: string },
): Promise<ApplyJob> {
  const { number, tenantId, at } = request;
  const facts = await ownedNumber(deps.routing, number, tenantId);
  const stored = await deps.routing.config(number);
  if (!stored || stored.tenantId !== tenantId)
    throw conflict('nothing_to_apply', 'this number has no routing configuration yet; PUT one first');
  validateConfig(stored.config, {
    noMultiLevelTransfer: facts.restrictions?.noMultiLevelTransfer ?? false,
    announcementRequired: facts.restrictions?.recordingAnnouncementRequired ?? false,
    ownedPrompts: await ownedPromptsOf(deps.prompts, tenantId, stored.config),
  });
  const current = await deps.applyJobs.get(number);
  const inProgress =
    current?.tenantId === tenantId &&
    current.configVersion === stored.version &&
    (current.status === 'pending' || current.status === 'applying');
  if (current && inProgress) {
    const stale = Date.parse(at) - Date.parse(current.updatedAt) >= STALE_MINUTES * 60_000;
    if (stale) await send(deps, current);
    return current;
  }
  const job: ApplyJob = {
    number,
    tenantId,
    jobId: deps.newId(),
    configVersion: stored.version,
    status: 'pending',
    stepsDone: [],
    tries: 0,
    throttled: 0,
    requestedAt: at,
    updatedAt: at,
  };
  await deps.applyJobs.start(job);
  await send(deps, job);
  // Read again: where the worker runs in-process (npm start) it has finished by now.
  return (await deps.applyJobs.get(number)) ?? job;
}

async function send(deps: RoutingApplyQueueDeps, job: ApplyJob): Promise<void> {
  await (await deps.applyQueue()).send({ type: 'routing.apply', number: job.number, jobId: job.jobId });
}

/** What a tenant sees of an apply job (Connect's raw errors stay in the logs). */
export function applyJobView(job: ApplyJob) {
  const { tenantId: _t, lastError: _e, ...view } = job;
  return view;
}
