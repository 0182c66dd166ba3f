/** The per-tenant (and per-operator) request counter the HTTP layer asks before running a limited route. */
import type { RateLimitClass } from '../domain/rate-limits.js';

export interface RateCheck {
  /** Whose budget: a tenant id, or `operator:<sub>` for users without a tenant (`rateHolder`). */
  readonly holder: string;
  readonly limitClass: RateLimitClass;
  /** The request's instant (the API's `req.now`), which picks the window. */
  readonly now: Date;
  /** Requests admitted per window. */
  readonly limit: number;
}

/**
 * Counts one request against its window. Answers true when it is within the budget (and counted), false
 * when the window is already full. Throws `RateLimiterUnavailable` when it cannot tell in time.
 */
export interface RateLimiter {
  admit(check: RateCheck): Promise<boolean>;
}

export class RateLimiterUnavailable extends Error {
  override readonly name = 'RateLimiterUnavailable';
}
