/** The local runtime's own contract: tokens, the JWT gate, OpenAPI, job control, unknown routes. */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ seed: false });
});
afterAll(async () => {
  await api?.stop();
});

describe('local runtime', () => {
  it('issues dev tokens and refuses bad token requests with the field named', async () => {
    const ok = await api.post('/local/tokens', { tenantId: 'demo', roles: ['tenant-admin'] });
    expect(ok.status).toBe(201);
    expect(ok.body.token.split('.')).toHaveLength(3);

    const badRole = await api.post('/local/tokens', { tenantId: 'demo', roles: ['root'] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.field).toBe('roles');

    const noTenant = await api.post('/local/tokens', { roles: ['tenant-admin'] });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.error.field).toBe('tenantId');

    const operator = await api.post('/local/tokens', { roles: ['operator'] });
    expect(operator.status).toBe(201);
  });

  it('answers 401 on an API route without a token, or with a forged one', async () => {
    const none = await api.get('/v1/numbers/available?segment=4008');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const token = await api.token('demo', ['tenant-admin']);
    const forged = await api.get('/v1/numbers/available?segment=4008', `${token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
  });

  it('serves the OpenAPI document generated from the route table', async () => {
    const res = await api.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/v1/numbers/available']?.get?.operationId).toBe('searchAvailableNumbers');
  });

  it('answers 404 with the error shape for unknown routes, and lists and guards jobs', async () => {
    const unknown = await api.get('/v1/nothing-here', await api.token('demo', ['tenant-admin']));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('route_not_found');

    const jobs = await api.get('/local/jobs');
    expect(jobs.status).toBe(200);
    expect(Array.isArray(jobs.body.jobs)).toBe(true);

    const missing = await api.post('/local/jobs/no-such-job', {});
    expect(missing.status).toBe(404);
    const name = jobs.body.jobs[0]?.name ?? 'no-such-job';
    const badInstant = await api.post(`/local/jobs/${name}`, { at: 'yesterday-ish' });
    expect([400, 404]).toContain(badInstant.status);
  });

  it('answers 400 for malformed JSON on a control route', async () => {
    const res = await api.request('POST', '/local/tokens', {
      rawBody: '{"roles":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers 400 naming the parameter for a path that is not valid percent-encoding', async () => {
    const token = await api.token('demo', ['tenant-admin']);
    for (const path of ['/v1/numbers/%E0%A4%A', '/v1/numbers/%ZZ/routing', '/local/jobs/%C3']) {
      const res = path.startsWith('/local')
        ? await api.request('POST', path, { body: {} })
        : await api.request('GET', path, { token });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('malformed_path');
    }
  });

  it('answers a URL over 16 KB in the error shape (431), not with a bare status line', async () => {
    const token = await api.token('demo', ['tenant-admin']);
    const res = await api.request('GET', `/v1/numbers/available?contains=${'8'.repeat(20_000)}`, { token });
    expect(res.status).toBe(431);
    expect(res.body.error.code).toBe('request_too_large');
  });

  it('serves control routes to this machine only, and only JSON bodies', async () => {
    const tokens = (headers: Record<string, string>, rawBody = '{"roles":["operator"]}') =>
      api.request('POST', '/local/tokens', {
        rawBody,
        headers: { 'content-type': 'application/json', ...headers },
      });
    // A page elsewhere may send text/plain without a preflight: refused before anything runs.
    expect((await tokens({ 'content-type': 'text/plain' })).status).toBe(415);
    const crossSite = await tokens({ origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('forbidden_origin');
    expect((await tokens({ origin: 'null' })).status).toBe(403);
    // A DNS-rebinding page reaches 127.0.0.1 under its own host name (fetch cannot set Host; node:http can).
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      const target = new URL('/local/tokens', api.baseUrl);
      const req = httpRequest(target, {
        method: 'POST',
        headers: { host: 'rebind.evil.example', 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end('{"roles":["operator"]}');
    });
    expect(rebound).toBe(403);
    expect((await tokens({ origin: 'http://localhost:5173' })).status).toBe(201);
  });
});

describe('bad input never yields a 5xx', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 300, maxLength: 2000 }),
    fc.constantFrom('', ' ', '%', '-1', '1e309', 'null', '[]', '{}'),
  );
  const json = fc.jsonValue({ maxDepth: 3 });

  it('for any query string on the search route', async () => {
    const token = await api.token('demo', ['tenant-admin']);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('segment', 'tier', 'contains', 'limit', 'cursor', 'x'), text),
        async (query) => {
          const res = await api.get(`/v1/numbers/available?${new URLSearchParams(query)}`, token);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(typeof res.body.error.code).toBe('string');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('for any JSON or non-JSON body on write routes', async () => {
    const token = await api.token('demo', ['tenant-admin']);
    const routes: [string, string][] = [
      ['POST', '/v1/applications'],
      ['POST', '/v1/payments'],
      ['PUT', '/v1/account/spend-cap'],
      ['PUT', '/v1/numbers/4008000000/routing'],
      ['POST', '/v1/numbers/4008000000/reservation'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          json.map((v) => JSON.stringify(v)),
          text,
        ),
        async ([method, path], rawBody) => {
          const res = await api.request(method, path, {
            token,
            rawBody,
            headers: { 'content-type': 'application/json', 'idempotency-key': 'prop-test-key-0001' },
          });
          expect(res.status).toBeLessThan(500);
          expect(typeof res.body?.error?.code === 'string' || res.status < 300).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
