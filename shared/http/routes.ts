/**
 * The one table of HTTP routes. The CDK API (infra/constructs/http-api.ts) creates a route and a function
 * per row; the local server (infra/local/http-server.ts) serves the very same handler modules from it.
 * Kept free of imports beyond types so every handler can read its own row cheaply.
 */
import type { TableId } from '../tables.js';
import type { Role } from './roles.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type TableAccess = 'read' | 'write';
/** Non-table capabilities a handler needs; infra turns each into grants and environment. */
export type Capability = 'telephony' | 'notifications' | 'documents' | 'jobs';

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
  readonly summary: string;
  readonly tag: string;
}

const TENANT_READ: readonly Role[] = ['tenant-admin', 'tenant-viewer'];
const TENANT_WRITE: readonly Role[] = ['tenant-admin'];
const OPERATOR: readonly Role[] = ['operator'];
const ANY: readonly Role[] = ['tenant-admin', 'tenant-viewer', 'operator'];

export const ROUTES: readonly RouteDefinition[] = [
  {
    id: 'searchAvailableNumbers',
    method: 'GET',
    path: '/v1/numbers/available',
    entry: 'functions/api/numbers/search-available.ts',
    roles: ANY,
    tables: { numbers: 'read' },
    summary: 'Search the available 400-number inventory by segment, vanity tier and digit pattern',
    tag: 'numbers',
  },
];

export { ANY, OPERATOR, TENANT_READ, TENANT_WRITE };

export function routeById(id: string): RouteDefinition {
  const route = ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`unknown route id ${id}`);
  return route;
}
