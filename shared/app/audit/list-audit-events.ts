/**
 * Primary course: a tenant-admin reads its own tenant's audit trail, newest first, optionally by actor,
 * object and time range; an operator reads any tenant's (or the platform's) by naming it.
 * Variations: a tenant sees an operator's action with the actor "operator" only, and may filter by
 * `actor=operator` but never find an operator by its id.
 */
import { type AuditEvent, maskEventFor } from '../../domain/audit/audit-event.js';
import type { AuditEventStore } from '../../ports/audit.js';
import type { Page } from '../../ports/paging.js';

export interface ListAuditEventsInput {
  readonly reader: 'tenant' | 'operator';
  readonly tenantId: string;
  /** A user's `sub`, or `operator` for every operator action. */
  readonly actor?: string;
  readonly object?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export const OPERATOR_ACTOR = 'operator';

export async function listAuditEvents(
  deps: { readonly store: AuditEventStore },
  input: ListAuditEventsInput,
): Promise<Page<AuditEvent>> {
  const byActor =
    input.actor === undefined
      ? {}
      : input.actor === OPERATOR_ACTOR
        ? { actorKind: 'operator' as const }
        : // A tenant's filter by id only ever matches its own users, never an operator's id.
          { actorSub: input.actor, ...(input.reader === 'tenant' ? { actorKind: 'tenant' as const } : {}) };
  const page = await deps.store.list({
    tenantId: input.tenantId,
    ...byActor,
    ...(input.object !== undefined ? { object: input.object } : {}),
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
    limit: input.limit,
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
  });
  return { ...page, items: page.items.map((event) => maskEventFor(event, input.reader)) };
}
