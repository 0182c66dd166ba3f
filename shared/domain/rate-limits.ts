/**
 * Per-tenant rate limits: a fixed one-minute window (UTC) per tenant and limit class, with a budget of
 * requests per window for each class. Pure: the window arithmetic, the budgets and how they are written in
 * configuration. The counter is a port (shared/ports/rate-limiter.ts), counted in DynamoDB by an adapter.
 */

/** How costly a route is to serve; a route names one in its row of the route table, or none. */
export const RATE_LIMIT_CLASSES = ['read', 'write', 'expensive'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/**
 * What a route names in the route table: one class, or one per representation when its CSV download costs
 * more than its JSON (CSV when `?format=csv`, or `Accept: text/csv` without a format).
 */
export type RouteRateLimit = RateLimitClass | { readonly json: RateLimitClass; readonly csv: RateLimitClass };

/** Requests per tenant per minute; `undefined` means the class is not limited. */
export type RateBudgets = Readonly<Record<RateLimitClass, number | undefined>>;

export const DEFAULT_RATE_BUDGETS: RateBudgets = { read: 600, write: 120, expensive: 20 };

/**
 * The variable (and CDK context key `rateLimits`) that overrides budgets per deployment:
 * `expensive=10,read=1200`; `off` turns a class's limit off. Unnamed classes keep their default.
 */
export const RATE_LIMITS_ENV = 'HOTLINE_RATE_LIMITS';

export const RATE_WINDOW_MS = 60_000;
/** Window items outlive their minute a little (so an operator can look at a burst), then TTL removes them. */
export const RATE_WINDOW_RETENTION_SECONDS = 3600;

export interface ParsedRateBudgets {
  readonly budgets: RateBudgets;
  /** Entries that were ignored, described; CDK refuses to synthesise with any, Lambda logs them. */
  readonly problems: readonly string[];
}

export function parseRateBudgets(spec: string | undefined): ParsedRateBudgets {
  const budgets: Record<RateLimitClass, number | undefined> = { ...DEFAULT_RATE_BUDGETS };
  const problems: string[] = [];
  for (const entry of (spec ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const [name, value, ...rest] = trimmed.split('=').map((part) => part.trim());
    if (!(RATE_LIMIT_CLASSES as readonly string[]).includes(name ?? '') || rest.length > 0) {
      problems.push(`"${trimmed}": expected <${RATE_LIMIT_CLASSES.join('|')}>=<requests per minute|off>`);
      continue;
    }
    const limitClass = name as RateLimitClass;
    if (value === 'off') budgets[limitClass] = undefined;
    else if (value !== undefined && /^[1-9]\d{0,8}$/.test(value)) budgets[limitClass] = Number(value);
    else problems.push(`"${trimmed}": the budget must be a whole number of requests per minute ≥ 1, or off`);
  }
  return { budgets, problems };
}

export interface RateWindow {
  /** The window's sort key: the minute it covers, `yyyy-mm-ddThh:mm` (UTC). */
  readonly key: string;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

export function rateWindowOf(now: Date): RateWindow {
  const startsAtMs = Math.floor(now.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS;
  return {
    key: new Date(startsAtMs).toISOString().slice(0, 16),
    startsAtMs,
    endsAtMs: startsAtMs + RATE_WINDOW_MS,
  };
}

/** Whole seconds until the next window opens (what `Retry-After` says): 1..60. */
export function retryAfterSeconds(now: Date): number {
  return Math.max(1, Math.ceil((rateWindowOf(now).endsAtMs - now.getTime()) / 1000));
}

/** Epoch seconds after which DynamoDB may delete the window's item. */
export function rateWindowExpiry(window: RateWindow): number {
  return Math.floor(window.endsAtMs / 1000) + RATE_WINDOW_RETENTION_SECONDS;
}

/** The partition key of a holder's windows for one class (tenant ids never contain ':'). */
export function rateWindowPartition(holder: string, limitClass: RateLimitClass): string {
  return `RATE#${holder}#${limitClass}`;
}

/**
 * What a class does when the counter cannot answer in time (DynamoDB slow or failing). A limiter that
 * admits whatever it cannot count is one an attacker switches off with load, so the classes that write or
 * cost money refuse (503 with Retry-After); reads, cheap and idempotent, are admitted and counted as
 * `RateLimiterFailedOpen`, so a struggling ops table does not take tenants' dashboards down.
 */
export const WHEN_LIMITER_UNAVAILABLE: Readonly<Record<RateLimitClass, 'admit' | 'refuse'>> = {
  read: 'admit',
  write: 'refuse',
  expensive: 'refuse',
};

/** Who a budget belongs to: the tenant, or for users without one (operators) the user itself. */
export function rateHolder(tenantId: string | undefined, subject: string): string {
  return tenantId ?? `operator:${subject}`;
}
