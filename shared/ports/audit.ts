/** The append-only audit trail: one event per write through the API, read back per tenant. */
import type { AuditEvent } from '../domain/audit/audit-event.js';
import type { Page } from './paging.js';

/** Appends only: an event is never updated or deleted (IAM grants the API functions PutItem alone). */
export interface AuditTrail {
  append(event: AuditEvent): Promise<void>;
}

export interface AuditQuery {
  readonly tenantId: string;
  /** Only events by this actor `sub` (or, with `actorKind`, of that kind of actor). */
  readonly actorSub?: string;
  readonly actorKind?: 'tenant' | 'operator';
  readonly object?: string;
  /** Inclusive ISO instants. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AuditEventStore {
  /** Newest first, within one tenant's partition (the key condition, never a filter after the read). */
  list(query: AuditQuery): Promise<Page<AuditEvent>>;
}
