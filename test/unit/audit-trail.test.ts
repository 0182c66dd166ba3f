import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { listAuditEvents } from '../../shared/app/audit/list-audit-events.js';
import {
  type AuditEvent,
  auditSummary,
  maskEventFor,
  SUMMARY_MAX_KEYS,
} from '../../shared/domain/audit/audit-event.js';
import { invalid } from '../../shared/domain/errors.js';
import { apiHandler, useAuditTrail } from '../../shared/http/api-handler.js';
import type { RouteDefinition } from '../../shared/http/routes.js';
import type { AuditEventStore, AuditQuery } from '../../shared/ports/audit.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';

const route = (method: RouteDefinition['method'], path = '/v1/things/{id}'): RouteDefinition => ({
  id: `${method.toLowerCase()}Thing`,
  method,
  path,
  entry: 'unused.ts',
  roles: ['tenant-admin', 'operator'],
  tables: {},
  rateLimit: 'write',
  summary: 'test',
  tag: 'test',
});

function recording() {
  const events: AuditEvent[] = [];
  useAuditTrail({ append: async (event) => void events.push(event) });
  return events;
}

afterEach(() => useAuditTrail('default'));

const AT = new Date('2026-11-25T02:00:00.000Z');

describe('the audit trail in apiHandler', () => {
  it('records a write once, by user (sub and e-mail), tenant, route, request id, object and summary', async () => {
    const events = recording();
    const handler = apiHandler(route('PUT'), { path: z.object({ id: z.string() }) }, async () => ({
      body: { ok: true },
      audit: { before: { limit: 100 }, after: { limit: 200, password: 'hunter2' } },
    }));
    const response = await handler(
      apiEvent({ tenantId: 'acme', subject: 'u-42', email: 'li@acme.cn', path: { id: 'x' }, at: AT }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(200);
    expect(events).toEqual([
      {
        eventId: '2026-11-25T02:00:00.000Z#req-1',
        at: '2026-11-25T02:00:00.000Z',
        tenantId: 'acme',
        actor: { kind: 'tenant', sub: 'u-42', email: 'li@acme.cn' },
        routeId: 'putThing',
        method: 'PUT',
        requestId: 'req-1',
        correlationId: 'req-1',
        object: '/test',
        status: 200,
        before: { limit: 100 },
        after: { limit: 200 },
      },
    ]);
  });

  it('records no read and no refused write', async () => {
    const events = recording();
    const read = apiHandler(route('GET'), { path: z.object({ id: z.string() }) }, async () => ({ body: {} }));
    const refused = apiHandler(route('POST'), { path: z.object({ id: z.string() }) }, async () => {
      throw invalid('bad', 'bad');
    });
    expect((await read(apiEvent({ tenantId: 'acme', path: { id: 'x' } }), lambdaContext)).statusCode).toBe(
      200,
    );
    expect((await refused(apiEvent({ tenantId: 'acme', path: { id: 'x' } }), lambdaContext)).statusCode).toBe(
      400,
    );
    expect(events).toEqual([]);
  });

  it("files an operator's write under the tenant its path names, with the operator as actor", async () => {
    const events = recording();
    const handler = apiHandler(
      route('POST', '/v1/accounts/{tenantId}/credits'),
      { path: z.object({ tenantId: z.string() }) },
      async () => ({ status: 201, body: {} }),
    );
    await handler(
      apiEvent({ roles: ['operator'], subject: 'op-7', email: 'ops@hotline.cn', path: { tenantId: 'acme' } }),
      lambdaContext,
    );
    expect(events[0]).toMatchObject({
      tenantId: 'acme',
      actor: { kind: 'operator', sub: 'op-7', email: 'ops@hotline.cn' },
      status: 201,
    });
  });

  it("files an operator's write under the tenant its result names; a tenant's always under its own", async () => {
    const events = recording();
    const handler = apiHandler(route('POST'), { path: z.object({ id: z.string() }) }, async () => ({
      body: {},
      audit: { tenantId: 'acme', object: 'application:app_1' },
    }));
    await handler(apiEvent({ roles: ['operator'], subject: 'op-7', path: { id: 'x' } }), lambdaContext);
    await handler(apiEvent({ tenantId: 'rival', subject: 'u-9', path: { id: 'x' } }), lambdaContext);
    expect(events.map((e) => [e.tenantId, e.actor.kind, e.object])).toEqual([
      ['acme', 'operator', 'application:app_1'],
      ['rival', 'tenant', 'application:app_1'],
    ]);
  });

  it('a write whose event cannot be stored still answers (the event is logged instead)', async () => {
    useAuditTrail({
      append: async () => {
        throw new Error('throttled');
      },
    });
    const handler = apiHandler(route('DELETE'), { path: z.object({ id: z.string() }) }, async () => ({
      body: {},
    }));
    expect((await handler(apiEvent({ tenantId: 'acme', path: { id: 'x' } }), lambdaContext)).statusCode).toBe(
      200,
    );
  });
});

describe('audit summaries', () => {
  it('keep scalars only, at most 20 keys, strings cut to 200, no secret-named keys', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(auditSummary(many) ?? {})).toHaveLength(SUMMARY_MAX_KEYS);
    expect(
      auditSummary({
        role: 'tenant-viewer',
        note: 'x'.repeat(250),
        document: { pages: 3 },
        list: [1, 2],
        apiKey: 'k',
        refreshToken: 't',
        active: false,
        cleared: null,
      }),
    ).toEqual({ role: 'tenant-viewer', note: 'x'.repeat(200), active: false, cleared: null });
    expect(auditSummary({ document: { a: 1 } })).toBeUndefined();
  });
});

const operatorEvent: AuditEvent = {
  eventId: '2026-11-25T02:00:00.000Z#r1',
  at: '2026-11-25T02:00:00.000Z',
  tenantId: 'acme',
  actor: { kind: 'operator', sub: 'op-7', email: 'ops@hotline.cn' },
  routeId: 'createCredit',
  method: 'POST',
  requestId: 'r1',
  correlationId: 'r1',
  object: '/v1/accounts/acme/credits',
  status: 201,
};

describe('what readers see of the actor', () => {
  it('tenants see "operator", never the operator; operators see who; tenant users stay themselves', () => {
    expect(maskEventFor(operatorEvent, 'tenant').actor).toEqual({ kind: 'operator' });
    expect(JSON.stringify(maskEventFor(operatorEvent, 'tenant'))).not.toMatch(/op-7|ops@hotline/);
    expect(maskEventFor(operatorEvent, 'operator').actor).toEqual(operatorEvent.actor);
    const tenantActor = { kind: 'tenant', sub: 'u-1', email: 'li@acme.cn' } as const;
    expect(maskEventFor({ ...operatorEvent, actor: tenantActor }, 'tenant').actor).toEqual(tenantActor);
  });

  it("a tenant's filter by id matches only its own users; `operator` matches operators' actions", async () => {
    const queries: AuditQuery[] = [];
    const store: AuditEventStore = {
      list: async (query) => {
        queries.push(query);
        return { items: [operatorEvent] };
      },
    };
    const page = await listAuditEvents(
      { store },
      { reader: 'tenant', tenantId: 'acme', actor: 'op-7', limit: 5 },
    );
    await listAuditEvents({ store }, { reader: 'tenant', tenantId: 'acme', actor: 'operator', limit: 5 });
    await listAuditEvents({ store }, { reader: 'operator', tenantId: 'acme', actor: 'op-7', limit: 5 });
    expect(queries).toEqual([
      { tenantId: 'acme', actorSub: 'op-7', actorKind: 'tenant', limit: 5 },
      { tenantId: 'acme', actorKind: 'operator', limit: 5 },
      { tenantId: 'acme', actorSub: 'op-7', limit: 5 },
    ]);
    expect(page.items[0]?.actor).toEqual({ kind: 'operator' });
  });
});
