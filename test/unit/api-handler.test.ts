import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { conflict, DomainError } from '../../shared/domain/errors.js';
import { apiHandler, MAX_BODY_BYTES, rolesFromClaim } from '../../shared/http/api-handler.js';
import type { RouteDefinition } from '../../shared/http/routes.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';

const route: RouteDefinition = {
  id: 'testRoute',
  method: 'POST',
  path: '/v1/things/{id}',
  entry: 'unused.ts',
  roles: ['tenant-admin'],
  tables: {},
  rateLimit: 'write',
  summary: 'test',
  tag: 'test',
};

const handler = apiHandler(
  route,
  {
    path: z.object({ id: z.string().check(z.regex(/^[a-z]+$/)) }),
    query: z.strictObject({
      limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))),
    }),
    body: z.strictObject({
      amount: z.number().check(z.int(), z.positive()),
      note: z.optional(z.string().check(z.maxLength(10))),
    }),
  },
  async (req) => {
    if (req.body.amount === 409) throw conflict('already_done', 'this was already done');
    if (req.body.amount === 500) throw new Error('secret database detail');
    return {
      status: 201,
      body: {
        id: req.path.id,
        tenant: req.principal.tenantId,
        amount: req.body.amount,
        limit: req.query.limit,
      },
    };
  },
);

async function call(options: Parameters<typeof apiEvent>[0]) {
  const response = await handler(
    apiEvent({ tenantId: 'acme', path: { id: 'abc' }, body: { amount: 5 }, ...options }),
    lambdaContext,
  );
  return {
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : undefined,
    headers: response.headers,
  };
}

describe('apiHandler', () => {
  it('passes validated input and the token tenant to the use case', async () => {
    const res = await call({ query: { limit: '7' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'abc', tenant: 'acme', amount: 5, limit: 7 });
    expect(res.headers?.['x-correlation-id']).toBe('req-1');
  });

  it('answers 401 without verified claims', async () => {
    const res = await call({ anonymous: true });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 403 when no role of the token is admitted', async () => {
    const res = await call({ roles: ['tenant-viewer'] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it.each([
    ['a wrong type', { body: { amount: 'ten' } }, 'amount'],
    ['a negative amount', { body: { amount: -1 } }, 'amount'],
    ['a fraction', { body: { amount: 1.5 } }, 'amount'],
    ['an oversized string', { body: { amount: 1, note: 'x'.repeat(11) } }, 'note'],
    ['an unknown body field', { body: { amount: 1, tenantId: 'evil' } }, 'tenantId'],
    ['an unknown query parameter', { query: { limitt: '3' } }, 'limitt'],
    ['a query value out of range', { query: { limit: '1000' } }, 'limit'],
    ['a bad path parameter', { path: { id: 'ABC!' } }, 'id'],
    ['a missing body', { rawBody: '' }, 'body'],
    ['an array body', { body: [1, 2] }, 'body'],
  ])('answers 400 naming the field for %s', async (_name, options, field) => {
    const res = await call(options as Parameters<typeof apiEvent>[0]);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(typeof res.body.error.message).toBe('string');
  });

  it('explains what is wrong in the message, not just where', async () => {
    const wrongType = await call({ body: { amount: 'ten' } });
    expect(wrongType.body.error.message).toMatch(/^amount: .*expected number/i);
    const tooBig = await call({ query: { limit: '1000' } });
    expect(tooBig.body.error.message).toMatch(/100/);
  });

  it('answers 400 malformed_json for broken JSON', async () => {
    const res = await call({ rawBody: '{"amount": 5,' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'malformed_json', field: 'body' });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await call({
      rawBody: 'amount=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
  });

  it('answers 413 for an oversized body', async () => {
    const res = await call({ rawBody: JSON.stringify({ amount: 1, note: 'x'.repeat(MAX_BODY_BYTES) }) });
    expect(res.status).toBe(413);
  });

  it('maps domain errors to their status and code', async () => {
    const res = await call({ body: { amount: 409 } });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'already_done', message: 'this was already done' });
  });

  it('never leaks internals in a 500', async () => {
    const res = await call({ body: { amount: 500 } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toContain('secret database detail');
  });

  it('keeps a caller correlation id only when it looks like an id', async () => {
    expect(
      (await call({ headers: { 'x-correlation-id': 'order-42:retry.1' } })).headers?.['x-correlation-id'],
    ).toBe('order-42:retry.1');
    const forged = await call({ headers: { 'x-correlation-id': 'x\r\nset-cookie: a=b' } });
    expect(forged.headers?.['x-correlation-id']).toBe('req-1');
  });

  it('answers 400 naming an unknown query parameter, also on a route that declares no query', async () => {
    const unknown = await call({ query: { limit: '5', tenantId: 'other' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_field', field: 'tenantId' });
    const bare = apiHandler({ ...route, id: 'bareRoute' }, {}, async () => ({ body: { ok: true } }));
    const withQuery = await bare(apiEvent({ tenantId: 'acme', query: { debug: '1' } }), lambdaContext);
    expect(withQuery.statusCode).toBe(400);
    expect(JSON.parse(withQuery.body ?? '{}').error).toMatchObject({ code: 'unknown_field', field: 'debug' });
    expect((await bare(apiEvent({ tenantId: 'acme' }), lambdaContext)).statusCode).toBe(200);
  });

  it('ignores a tenant id smuggled anywhere but the token', async () => {
    const res = await call({ query: {}, headers: { 'x-tenant-id': 'other' } });
    expect(res.body.tenant).toBe('acme');
  });
});

describe('rolesFromClaim', () => {
  it('reads API Gateway flattened arrays, real arrays and drops unknown roles', () => {
    expect(rolesFromClaim('[tenant-admin operator]')).toEqual(['tenant-admin', 'operator']);
    expect(rolesFromClaim(['tenant-viewer', 'root'])).toEqual(['tenant-viewer']);
    expect(rolesFromClaim(undefined)).toEqual([]);
  });

  it('treats a DomainError as the only mapped error type', () => {
    expect(new DomainError('conflict', 'x', 'y')).toBeInstanceOf(Error);
  });
});
