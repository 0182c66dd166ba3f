/**
 * The audit trail's rules: what one recorded write holds, how small its before/after summary stays, which
 * partition it lands in, and what a tenant may see of its actor. Tenants see "operator" for an operator's
 * action, never the operator's identity (as `actorForTenant` does for number history).
 */

/** The partition of writes that concern no tenant (an operator's platform-wide action). */
export const PLATFORM_PARTITION = 'platform';

export type ActorKind = 'tenant' | 'operator';

export interface AuditActor {
  readonly kind: ActorKind;
  /** The token's `sub`; absent once masked for a tenant reader. */
  readonly sub?: string;
  readonly email?: string;
}

/** A small flat summary: scalar values only, so no document or secret can ride along by accident. */
export type AuditSummary = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEvent {
  /** Unique per write: `<at>#<requestId>`, time-ordered within the tenant's partition. */
  readonly eventId: string;
  readonly at: string;
  /** The tenant the write concerns, or PLATFORM_PARTITION. */
  readonly tenantId: string;
  readonly actor: AuditActor;
  readonly routeId: string;
  readonly method: string;
  /** API Gateway's request id (unique per request). */
  readonly requestId: string;
  /** The correlation id the client saw (its own x-correlation-id when it sent one). */
  readonly correlationId: string;
  /** What was written, e.g. `/v1/numbers/4008001234/routing` or `member:<id>`. */
  readonly object: string;
  readonly status: number;
  readonly before?: AuditSummary;
  readonly after?: AuditSummary;
}

/** What a route may add to its result for the trail (all optional: the wrapper fills the rest). */
export interface AuditNote {
  readonly object?: string;
  /** The tenant an operator's write concerns, when the path does not name it. */
  readonly tenantId?: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
}

export const SUMMARY_MAX_KEYS = 20;
export const SUMMARY_MAX_STRING = 200;
/** Keys never recorded, whatever a route passes (credentials, tokens, keys, secrets). */
const SECRET_KEY = /pass(word)?|secret|token|key|signature|authorization|credential/i;

/**
 * Clamps a route's summary: at most 20 keys, scalars only (objects and arrays are dropped, long strings
 * cut to 200 characters), and keys that name a secret are left out.
 */
export function auditSummary(raw: Record<string, unknown> | undefined): AuditSummary | undefined {
  if (!raw) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Object.keys(out).length >= SUMMARY_MAX_KEYS) break;
    if (SECRET_KEY.test(key)) continue;
    if (typeof value === 'string') out[key] = value.slice(0, SUMMARY_MAX_STRING);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The actor as a reader sees it: operators see everything; tenants see an operator only as "operator". */
export function actorAsSeenBy(actor: AuditActor, reader: 'tenant' | 'operator'): AuditActor {
  return reader === 'tenant' && actor.kind === 'operator' ? { kind: 'operator' } : actor;
}

export function maskEventFor(event: AuditEvent, reader: 'tenant' | 'operator'): AuditEvent {
  return { ...event, actor: actorAsSeenBy(event.actor, reader) };
}
