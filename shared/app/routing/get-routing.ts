/**
 * Primary course: a tenant reads a number's routing → check ownership → the current configuration, which
 * version is applied (null before the first apply) and the latest apply job (its status and step).
 * Variations: not the tenant's number → not found; no configuration yet, or only a previous owner's →
 * not found (routing_not_found).
 */
import { notFound } from '../../domain/errors.js';
import type { RoutingConfig } from '../../domain/routing/types.js';
import type { RoutingStore } from '../../ports/routing.js';
import type { RoutingApplyJobStore } from '../../ports/routing-apply-jobs.js';
import { ownedNumber } from './owned-number.js';
import { applyJobView } from './request-routing-apply.js';

export interface RoutingView {
  readonly number: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly config: RoutingConfig;
  readonly applied: { readonly configVersion: number; readonly appliedAt?: string } | null;
  /** The latest apply requested (POST …/routing/apply): pending, applying, applied or failed. */
  readonly applyJob: ReturnType<typeof applyJobView> | null;
}

export async function getRouting(
  deps: { readonly routing: RoutingStore; readonly applyJobs: RoutingApplyJobStore },
  request: { readonly number: string; readonly tenantId: string },
): Promise<RoutingView> {
  const { number, tenantId } = request;
  await ownedNumber(deps.routing, number, tenantId);
  const stored = await deps.routing.config(number);
  // A previous owner's configuration (its hand-over not yet cleared) is not the caller's to read.
  if (!stored || stored.tenantId !== tenantId)
    throw notFound('routing_not_found', `number ${number} has no routing configuration yet`);
  const [applied, job] = await Promise.all([deps.routing.applied(number), deps.applyJobs.get(number)]);
  return {
    number,
    version: stored.version,
    updatedAt: stored.updatedAt,
    config: stored.config,
    applied:
      applied.configVersion === undefined
        ? null
        : { configVersion: applied.configVersion, appliedAt: applied.appliedAt },
    // A previous owner's job is not the caller's.
    applyJob: job && job.tenantId === tenantId ? applyJobView(job) : null,
  };
}
