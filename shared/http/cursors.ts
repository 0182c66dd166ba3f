/**
 * Cursors at the API's edge: every list's `nextCursor` leaves signed for the caller, route, path and filters
 * of the request that produced it, and a `cursor` parameter comes back in only through `openCursor`, so a
 * route pages safely by returning its store's position (shared/ports/paging.ts) and taking it back.
 */
import { type CursorBinding, openCursor, signCursor } from '../ports/paging.js';
import { port } from '../runtime/ports.js';
import type { ApiEvent, Principal } from './api-handler.js';
import type { RouteDefinition } from './routes.js';

/** Parameters that do not select what a list holds: the position itself and the page size. */
const UNBOUND = new Set(['cursor', 'limit']);

export function cursorBinding(route: RouteDefinition, principal: Principal, event: ApiEvent): CursorBinding {
  const query = Object.entries(event.queryStringParameters ?? {}).filter(([name]) => !UNBOUND.has(name));
  const path = Object.entries(event.pathParameters ?? {}).map(([name, value]) => [`path:${name}`, value]);
  return {
    caller: principal.tenantId ?? `operator:${principal.subject}`,
    route: route.id,
    parameters: Object.fromEntries([...query, ...path]),
  };
}

/** The validated query with its `cursor` opened back into the store's position (400 if not ours). */
export async function openQueryCursor<Q>(query: Q, binding: () => CursorBinding, now: Date): Promise<Q> {
  if (typeof query !== 'object' || query === null) return query;
  const cursor = (query as { cursor?: unknown }).cursor;
  if (typeof cursor !== 'string') return query;
  const { key } = await port('cursorKey');
  return { ...query, cursor: openCursor(cursor, binding(), now, key) };
}

/** The body with its `nextCursor` signed for this request. */
export async function signBodyCursor(
  body: unknown,
  binding: () => CursorBinding,
  now: Date,
): Promise<unknown> {
  if (typeof body !== 'object' || body === null) return body;
  const next = (body as { nextCursor?: unknown }).nextCursor;
  if (typeof next !== 'string') return body;
  const { key } = await port('cursorKey');
  return { ...body, nextCursor: signCursor(next, binding(), now, key) };
}
