/**
 * Primary course: a tenant reads a number's routing → check ownership → the current configuration, and
 * which version is applied (null before the first apply).
 * Variations: not the tenant's number → not found; no configuration yet, or only a previous owner's →
 * not found (routing_not_found).
 */
import { notFound } from '../../domain/errors.js';
import type { RoutingConfig } from '../../domain/routing/types.js';
import type { RoutingStore } from '../../ports/routing.js';
import { ownedNumber } from './owned-number.js';

export interface RoutingView {
  readonly number: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly config: RoutingConfig;
  readonly applied: { readonly configVersion: number; readonly appliedAt?: string } | null;
}

export async function getRouting(
  deps: { readonly routing: RoutingStore },
  request: { readonly number: string; readonly tenantId: string },
): Promise<RoutingView> {
  const { number, tenantId } = request;
  await ownedNumber(deps.routing, number, tenantId);
  const stored = await deps.routing.config(number);
  // A previous owner's configuration (its hand-over not yet cleared) is not the caller's to read.
  if (!stored || stored.tenantId !== tenantId)
    throw notFound('routing_not_found', `number ${number} has no routing configuration yet`);
  const applied = await deps.routing.applied(number);
  return {
    number,
    version: stored.version,
    updatedAt: stored.updatedAt,
    config: stored.config,
    applied:
      applied.configVersion === undefined
        ? null
        : { configVersion: applied.configVersion, appliedAt: applied.appliedAt },
  };
}
