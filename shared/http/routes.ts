/**
 * The one table of HTTP routes. The CDK API (infra/constructs/http-api.ts) creates a route and a function
 * per row; the local server (infra/local/http-server.ts) serves the very same handler modules from it.
 * Kept free of imports beyond types so every handler can read its own row cheaply.
 */
import type { RouteRateLimit } from '../domain/rate-limits.js';
import type { TableId } from '../tables.js';
import type { Role } from './roles.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type TableAccess = 'read' | 'write';
/**
 * Non-table capabilities a handler needs; infra turns each into grants and environment. `cursors`: the route
 * pages (its query takes a `cursor`), so it reads the cursor-signing key (test/unit/cursors.test.ts checks).
 * `notifications`: it hands notifications to the notifications work queue; `messaging`: it delivers them
 * through SES and Aliyun SMS (the notifier alone).
 */
export type Capability =
  | 'telephony'
  | 'notifications'
  | 'messaging'
  | 'documents'
  | 'jobs'
  | 'recordings'
  | 'directory'
  | 'cursors'
  /** Reads the prompts bucket (tenants' recorded prompts, which Amazon Connect reads too): GetObject only. */
  | 'prompts'
  /** Signs upload forms into the prompts bucket (and reads it). */
  | 'promptUploads'
  /** Deletes objects under the prompts bucket's `prompts/` (and reads them). */
  | 'promptDeletes';

export interface RouteDefinition {
  /** Stable id: the function's construct id (renaming replaces the function) and the OpenAPI operationId. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: /v1/numbers/{number}. */
  readonly path: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** Roles admitted; the handler enforces them on the verified token's groups. */
  readonly roles: readonly Role[];
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities?: readonly Capability[];
  /**
   * Budget class: requests per minute per tenant (per operator for users without a tenant), shared by the
   * class's routes; budgets in shared/domain/rate-limits.ts. Every route names one, so a new route is
   * never unlimited by omission.
   */
  readonly rateLimit: RouteRateLimit;
  /** Files (relative to the repository root) copied beside the bundle, e.g. the caller-region index. */
  readonly assets?: readonly string[];
  readonly summary: string;
  readonly tag: string;
}

import { BILLING_ROUTES } from './routes/billing.js';
import { MEMBER_ROUTES } from './routes/members.js';
import { MONEY_ROUTES } from './routes/money.js';
import { NUMBER_ROUTES } from './routes/numbers.js';
import { PAYMENT_ROUTES } from './routes/payments.js';
import { ROUTING_ROUTES } from './routes/routing.js';

/**
 * Every route, area by area (one file per area so capabilities never edit the same file). Marked pure so a
 * bundle that never reads it (ownRoute) leaves it out.
 */
export const ROUTES: readonly RouteDefinition[] = /* @__PURE__ */ NUMBER_ROUTES.concat(
  ROUTING_ROUTES,
  MONEY_ROUTES,
  BILLING_ROUTES,
  PAYMENT_ROUTES,
  MEMBER_ROUTES,
);

/**
 * The row of the route an API handler serves. A deployed function's bundle has its own row compiled in
 * (infra/bundling.ts routeDefines), so it can leave the route table out: every other area's rows and
 * summaries, ~17 KB of each handler. Unbundled (tests, the local runtime) it is looked up.
 */
export function ownRoute(id: string): RouteDefinition {
  // One expression, so that esbuild folds it and drops the lookup (and the table) from a bundle.
  const row =
    process.env.HOTLINE_ROUTE_ROW !== undefined
      ? (JSON.parse(process.env.HOTLINE_ROUTE_ROW) as RouteDefinition)
      : routeById(id);
  if (row.id !== id) throw new Error(`bundled for route ${row.id}, not ${id}`);
  return row;
}

export function routeById(id: string): RouteDefinition {
  const route = ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`unknown route id ${id}`);
  return route;
}
