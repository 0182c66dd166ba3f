/**
 * Two tenants on the local runtime: every route of the route table (imported, so new routes join) tried by
 * tenant A with tenant B's numbers, applications, calls, statements, payment orders, cursors and whatever
 * else B's lists show, in the path, the query and the body, and A's plain reads of its own lists. Objects named in the path are a 403/404, cursors
 * a 400 `invalid_cursor`, filters in the query an empty page or a 4xx; every 4xx in the documented error
 * shape, no body carries anything of B's, and B's lists read the same afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ROUTES, type RouteDefinition } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import {
  admitsTenants,
  candidatesFor,
  errorShape,
  FORMER_NUMBER,
  FORMER_OWNERS_CALL,
  fillPath,
  leaksIn,
  NEW_OWNERS_CALL,
  PARKED_CONTACT,
  pathParamsOf,
  queryFieldsOf,
  queryString,
  startTwoTenants,
  type TwoTenants,
} from '../support/two-tenants.js';
import { sampleOf } from '../support/zod-arbitrary.js';

let world: TwoTenants;

beforeAll(async () => {
  world = await startTwoTenants();
}, 120_000);
afterAll(async () => world?.api.stop());

type Kind = 'role' | 'read' | 'path' | 'query' | 'body' | 'cursor';

interface Case {
  readonly kind: Kind;
  readonly route: RouteDefinition;
  readonly token: string;
  readonly url: string;
  readonly body?: unknown;
  /** The same request with nothing of B's in it: a refusal of the request itself must not tell them apart. */
  readonly control?: string;
}

const sampled = (route: RouteDefinition, part: 'path' | 'query' | 'body') => {
  const schema = ROUTE_SCHEMAS[route.id]?.[part];
  return schema ? (sampleOf(schema) as Record<string, unknown>) : undefined;
};

/** A request A could send to this route that is valid apart from the value under test. */
function baseline(route: RouteDefinition) {
  const path = Object.fromEntries(
    Object.entries(sampled(route, 'path') ?? {}).map(([k, v]) => [k, String(v)]),
  ) as Record<string, string>;
  const { required } = queryFieldsOf(route);
  const sample = sampled(route, 'query') ?? {};
  const query = Object.fromEntries(required.map((name) => [name, String(sample[name])]));
  // Body fields take a value A may use where A has seen one (a plan id, a segment), so the request reaches
  // the objects it names instead of stopping at an unknown plan.
  const body = sampled(route, 'body');
  for (const field of Object.keys(body ?? {})) {
    const known = world.public.get(field);
    if (body && known?.size) body[field] = [...known][0];
  }
  return { path, query, body };
}

/** B's stuff, and people who may not be on the route at all, against every route. */
function cases(): Case[] {
  const { attacker, operator } = world.tokens;
  const out: Case[] = [];
  for (const route of ROUTES) {
    const base = baseline(route);
    const url = (path: Record<string, string>, query: Record<string, string>) =>
      `${fillPath(route, path)}${queryString(query)}`;
    if (!admitsTenants(route)) {
      out.push({ kind: 'role', route, token: attacker, url: url(base.path, base.query), body: base.body });
      // Operators' routes naming B's objects (a parked call of B's, B's tenant id…): still a 403.
      for (const param of pathParamsOf(route))
        for (const value of candidatesFor(param, world.owned))
          out.push({
            kind: 'role',
            route,
            token: attacker,
            url: url({ ...base.path, [param]: value }, base.query),
            body: base.body,
          });
      continue;
    }
    if (!route.roles.includes('operator')) {
      out.push({ kind: 'role', route, token: operator, url: url(base.path, base.query), body: base.body });
    }
    // A's own read of a list or view with nothing of B's in the request: whatever it answers holds nothing of B's.
    if (route.method === 'GET' && pathParamsOf(route).length === 0)
      out.push({ kind: 'read', route, token: attacker, url: url(base.path, base.query) });
    for (const param of pathParamsOf(route)) {
      const pathSchema = ROUTE_SCHEMAS[route.id]?.path;
      const fits = (value: string) =>
        !pathSchema || z.safeParse(pathSchema, { ...base.path, [param]: value }).success;
      for (const value of candidatesFor(param, world.owned).filter(fits)) {
        out.push({
          kind: 'path',
          route,
          token: attacker,
          url: url({ ...base.path, [param]: value }, base.query),
          body: base.body,
          control: url(base.path, base.query),
        });
      }
    }
    const { names } = queryFieldsOf(route);
    for (const name of names.filter((n) => n !== 'cursor' && n !== 'limit')) {
      // One item a page, so a filter applied after the read would hand out a cursor past B's items.
      const page: Record<string, string> = names.includes('limit') ? { limit: '1' } : {};
      for (const value of world.owned.get(name) ?? []) {
        out.push({
          kind: 'query',
          route,
          token: attacker,
          url: url(base.path, { ...base.query, ...page, [name]: value }),
        });
      }
    }
    if (names.includes('cursor')) {
      for (const cursor of world.cursors.values()) {
        out.push({
          kind: 'cursor',
          route,
          token: attacker,
          url: url(base.path, { ...base.query, cursor }),
        });
      }
    }
    for (const field of Object.keys(base.body ?? {})) {
      for (const value of world.owned.get(field) ?? []) {
        out.push({
          kind: 'body',
          route,
          token: attacker,
          url: url(base.path, base.query),
          body: { ...base.body, [field]: value },
          control: url(base.path, base.query),
        });
      }
    }
  }
  return out;
}

type Answer = { readonly status: number; readonly body: unknown };
const codeOf = (body: unknown) => (body as { error?: { code?: string } } | undefined)?.error?.code;

/**
 * What a case must answer, or what is wrong. B's objects named in a path are a 403/404 (or a 409 on public
 * inventory, where availability is no secret); a 400 only when the same request without them gets the same
 * 400, so the refusal tells nothing about B.
 */
function verdict(kind: Kind, { status, body }: Answer, control?: Answer): string | undefined {
  const sameAsControl =
    control !== undefined && control.status === status && codeOf(control.body) === codeOf(body);
  if (status >= 500) return `${status}`;
  if (status >= 400 && !z.safeParse(errorShape, body).success) return `${status} not in the error shape`;
  switch (kind) {
    case 'role':
      return status === 403 ? undefined : `${status}, expected 403`;
    case 'path':
      return [403, 404, 409].includes(status) || (status === 400 && sameAsControl)
        ? undefined
        : `${status} ${codeOf(body)}, expected 403 or 404 (control: ${control?.status} ${codeOf(control?.body)})`;
    case 'cursor':
      return status === 400 && (body as { error?: { code?: string } }).error?.code === 'invalid_cursor'
        ? undefined
        : `${status} ${JSON.stringify(body)}, expected 400 invalid_cursor`;
    case 'body':
      return [403, 404, 409].includes(status) || (status === 400 && sameAsControl)
        ? undefined
        : `${status} ${codeOf(body)}, expected a refusal (control: ${control?.status} ${codeOf(control?.body)})`;
    case 'query':
    case 'read':
      return status === 200 || status >= 400 ? undefined : `${status}`;
  }
}

async function listsOfVictim(): Promise<unknown[]> {
  const reads = ROUTES.filter((r) => r.method === 'GET' && admitsTenants(r) && pathParamsOf(r).length === 0);
  return Promise.all(
    reads.map(async (route) => {
      const { required } = queryFieldsOf(route);
      const query = Object.fromEntries(
        required.map((n) => [n, [...(world.owned.get(n) ?? [''])][0] as string]),
      );
      const res = await world.api.get(`${route.path}${queryString(query)}`, world.tokens.victim);
      return [route.id, res.status, res.body];
    }),
  );
}

describe('two tenants, every route', () => {
  it("gives tenant A nothing of tenant B's: 403/404 for B's objects, 400 for B's cursors, no leak, no 5xx", async () => {
    // The fixture really holds what the matrix is about.
    expect(world.cursors.size).toBeGreaterThanOrEqual(5);
    for (const key of ['number', 'applicationId', 'contactId', 'orderId', 'month', 'promptId']) {
      expect(world.owned.get(key)?.size ?? 0, key).toBeGreaterThan(0);
    }
    // A former owner (FORMER_NUMBER went from A to B): the number is B's, A's calls of its tenure are A's.
    const { attacker, victim } = world.tokens;
    // A reads its own tenure of the number and its own history rows, nothing of the number now (B's).
    const formerRead = await world.api.get(`/v1/numbers/${FORMER_NUMBER}`, attacker);
    expect(formerRead.status).toBe(200);
    expect(formerRead.body).toMatchObject({
      number: FORMER_NUMBER,
      status: 'former',
      tenure: [{ from: '2026-11-01T02:00:00.000Z', to: '2026-11-20T02:00:00.000Z' }],
    });
    expect(formerRead.body).not.toHaveProperty('accessNumber');
    expect(JSON.stringify(formerRead.body)).not.toContain('+6532900011');
    expect((await world.api.get('/v1/numbers/4001990012', attacker)).status).toBe(404);
    const week = 'from=2026-11-18T00:00:00Z&to=2026-11-25T12:00:00Z';
    const callsOf = async (token: string) =>
      (await world.api.get(`/v1/calls?number=${FORMER_NUMBER}&${week}`, token)).body.items.map(
        (c: { contactId: string; charge: number }) => [c.contactId, c.charge],
      );
    expect(await callsOf(attacker)).toEqual([[FORMER_OWNERS_CALL, 30]]);
    expect(await callsOf(victim)).toEqual([[NEW_OWNERS_CALL, 30]]);
    // B's parked call is there for operators (and only them) to review.
    const parked = await world.api.get(`/v1/review/parked-calls/${PARKED_CONTACT}`, world.tokens.operator);
    expect(parked.body).toMatchObject({ contactId: PARKED_CONTACT, status: 'open' });
    const before = await listsOfVictim();
    const all = cases();
    const failures: string[] = [];
    const counts: Record<string, number> = {};
    let n = 0;
    const send = (c: Case, url: string, body: unknown) =>
      world.api.request(c.route.method, url, {
        token: c.token,
        ...(body !== undefined ? { body } : {}),
        headers: { 'idempotency-key': `matrix-${String(++n).padStart(6, '0')}`, 'if-match': '"1"' },
      });
    const controls = new Map<string, Answer>();
    for (const c of all) {
      const res = await send(c, c.url, c.body);
      let control: Answer | undefined;
      if (c.control !== undefined && res.status === 400) {
        const key = `${c.route.id} ${c.control}`;
        control = controls.get(key) ?? (await send(c, c.control, baseline(c.route).body));
        controls.set(key, control);
      }
      const sent = `${c.url} ${JSON.stringify(c.body ?? '')}`;
      // The one object of B's that A may read: the number A held before, as its own former tenure.
      const formerTenure =
        c.kind === 'path' &&
        c.route.id === 'getMyNumber' &&
        c.url.endsWith(`/${FORMER_NUMBER}`) &&
        res.status === 200 &&
        (res.body as { status?: string }).status === 'former';
      const wrong = formerTenure ? undefined : verdict(c.kind, res, control);
      const leaks = leaksIn(res.body, sent, world.markers);
      counts[`${c.kind} ${res.status}`] = (counts[`${c.kind} ${res.status}`] ?? 0) + 1;
      if (wrong) failures.push(`${c.kind} ${c.route.method} ${c.url}: ${wrong}`);
      if (leaks.length) failures.push(`${c.kind} ${c.route.method} ${c.url}: leaks ${leaks.join(', ')}`);
    }
    expect(failures).toEqual([]);
    // Every kind of probe ran, on more than a handful of routes.
    for (const kind of ['role', 'read', 'path', 'query', 'body', 'cursor']) {
      expect(
        Object.keys(counts).some((k) => k.startsWith(kind)),
        kind,
      ).toBe(true);
    }
    expect(all.length).toBeGreaterThan(ROUTES.length);
    expect(await listsOfVictim()).toEqual(before);
  }, 120_000);
});
