import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createDynamoRateLimiter, rateWindowUpdate } from '../../shared/adapters/dynamo/rate-limits.js';
import {
  DEFAULT_RATE_BUDGETS,
  parseRateBudgets,
  RATE_LIMITS_ENV,
  RATE_WINDOW_RETENTION_SECONDS,
  rateWindowExpiry,
  rateWindowOf,
  retryAfterSeconds,
} from '../../shared/domain/rate-limits.js';
import { apiHandler, useRateLimiter } from '../../shared/http/api-handler.js';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import { ROUTES, type RouteDefinition, routeById } from '../../shared/http/routes.js';
import { type RateCheck, type RateLimiter, RateLimiterUnavailable } from '../../shared/ports/rate-limiter.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';

const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('rate windows', () => {
  it('a window is the UTC minute holding the instant, keyed yyyy-mm-ddThh:mm', () => {
    fc.assert(
      fc.property(instants, (now) => {
        const window = rateWindowOf(now);
        expect(window.startsAtMs).toBeLessThanOrEqual(now.getTime());
        expect(now.getTime()).toBeLessThan(window.endsAtMs);
        expect(window.endsAtMs - window.startsAtMs).toBe(60_000);
        expect(window.key).toBe(now.toISOString().slice(0, 16));
        expect(window.key).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
      }),
    );
  });

  it('Retry-After is the whole seconds to the next window: never early, never a full second late', () => {
    fc.assert(
      fc.property(instants, (now) => {
        const seconds = retryAfterSeconds(now);
        const next = rateWindowOf(now).endsAtMs;
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(60);
        expect(now.getTime() + seconds * 1000).toBeGreaterThanOrEqual(next);
        expect(now.getTime() + (seconds - 1) * 1000).toBeLessThan(next);
      }),
    );
    expect(retryAfterSeconds(new Date('2026-11-25T02:00:45.000Z'))).toBe(15);
    expect(retryAfterSeconds(new Date('2026-11-25T02:00:59.999Z'))).toBe(1);
    expect(retryAfterSeconds(new Date('2026-11-25T02:00:00.000Z'))).toBe(60);
  });

  it('windows expire (TTL, epoch seconds) a retention period after they close', () => {
    const window = rateWindowOf(new Date('2026-11-25T02:00:45Z'));
    expect(rateWindowExpiry(window)).toBe(
      Date.parse('2026-11-25T02:01:00Z') / 1000 + RATE_WINDOW_RETENTION_SECONDS,
    );
  });
});

describe('rate budgets', () => {
  it('defaults apply when nothing is configured', () => {
    expect(parseRateBudgets(undefined)).toEqual({ budgets: DEFAULT_RATE_BUDGETS, problems: [] });
    expect(DEFAULT_RATE_BUDGETS).toEqual({ read: 600, write: 120, expensive: 20 });
  });

  it('a deployment overrides named classes, turns one off, keeps the others', () => {
    expect(parseRateBudgets(' expensive=5, read = off ')).toEqual({
      budgets: { read: undefined, write: 120, expensive: 5 },
      problems: [],
    });
  });

  it.each(['cheap=5', 'read=0', 'write=-1', 'write=1.5', 'write=', 'read=5=6', 'expensive'])(
    'ignores and reports a malformed entry: %s',
    (spec) => {
      const parsed = parseRateBudgets(`${spec},write=7`);
      expect(parsed.problems).toHaveLength(1);
      expect(parsed.budgets).toEqual({ read: 600, write: 7, expensive: 20 });
    },
  );
});

describe('route table', () => {
  it('the costly routes name their class, and every route names one (operators included)', () => {
    expect(routeById('testRoutingCall').rateLimit).toBe('expensive');
    expect(routeById('applyRouting').rateLimit).toBe('expensive');
    expect(routeById('getStatement').rateLimit).toEqual({ json: 'read', csv: 'expensive' });
    expect(routeById('searchAvailableNumbers').rateLimit).toBe('read');
    expect(routeById('createPaymentOrder').rateLimit).toBe('write');
    expect(routeById('importNumbers').rateLimit).toBe('expensive');
    expect(routeById('decideApplication').rateLimit).toBe('write');
    for (const route of ROUTES) expect(route.rateLimit, route.id).toBeDefined();
  });
});

describe('OpenAPI', () => {
  it('documents the 429 (with Retry-After) and the class on limited routes only', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, Record<string, Record<string, any>>>;
      components: { responses: Record<string, any> };
    };
    for (const route of ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      if (route.rateLimit) {
        expect(operation?.responses['429'], route.id).toEqual({
          $ref: '#/components/responses/TooManyRequests',
        });
        const declared = typeof route.rateLimit === 'string' ? route.rateLimit : route.rateLimit.json;
        expect(operation?.['x-hotline400-rate-limit']).toMatchObject({
          class: declared,
          perMinute: DEFAULT_RATE_BUDGETS[declared],
        });
      } else {
        expect(operation?.responses['429'], route.id).toBeUndefined();
      }
    }
    expect(doc.paths['/v1/statements/{month}']?.get?.['x-hotline400-rate-limit']).toEqual({
      class: 'read',
      perMinute: 600,
      csv: { class: 'expensive', perMinute: 20 },
    });
    expect(doc.components.responses.TooManyRequests.headers['Retry-After'].schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 60,
    });
  });
});

/** A limiter that admits the first `limit` checks of each (tenant, class, window), as the real one does. */
function countingLimiter() {
  const counts = new Map<string, number>();
  const checks: RateCheck[] = [];
  const limiter: RateLimiter = {
    async admit(check) {
      checks.push(check);
      const key = `${check.holder}|${check.limitClass}|${rateWindowOf(check.now).key}`;
      const used = counts.get(key) ?? 0;
      if (used >= check.limit) return false;
      counts.set(key, used + 1);
      return true;
    },
  };
  return { limiter, checks };
}

const limitedRoute: RouteDefinition = {
  id: 'limitedProbe',
  method: 'POST',
  path: '/v1/probes',
  entry: 'unused.ts',
  roles: ['tenant-admin', 'operator'],
  tables: {},
  rateLimit: 'expensive',
  summary: 'test',
  tag: 'test',
};

let runs = 0;
const probe = (route: RouteDefinition) =>
  apiHandler(route, { body: z.strictObject({ amount: z.number() }) }, async (req) => {
    runs++;
    return { status: 201, body: { tenant: req.principal.tenantId } };
  });
const limitedHandler = probe(limitedRoute);

async function call(
  handler: ReturnType<typeof probe>,
  options: Parameters<typeof apiEvent>[0] = {},
): Promise<{ status: number | undefined; body: any; headers: Record<string, unknown> | undefined }> {
  const response = await handler(
    apiEvent({ tenantId: 'acme', body: { amount: 1 }, at: new Date('2026-11-25T02:00:45Z'), ...options }),
    lambdaContext,
  );
  return {
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : undefined,
    headers: response.headers as Record<string, unknown> | undefined,
  };
}

describe('apiHandler rate limit', () => {
  beforeEach(() => {
    runs = 0;
    process.env[RATE_LIMITS_ENV] = 'expensive=2';
  });
  afterEach(() => {
    useRateLimiter('default');
    delete process.env[RATE_LIMITS_ENV];
  });

  it('is off by default outside Lambda and the local runtime', async () => {
    for (let i = 0; i < 4; i++) expect((await call(limitedHandler)).status).toBe(201);
    expect(runs).toBe(4);
  });

  it('answers 429 with the standard error body and Retry-After once the budget is used, before the handler runs', async () => {
    const { limiter, checks } = countingLimiter();
    useRateLimiter(limiter);
    expect((await call(limitedHandler)).status).toBe(201);
    expect((await call(limitedHandler)).status).toBe(201);
    const refused = await call(limitedHandler);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: {
        code: 'rate_limited',
        message: 'the 2 expensive requests a minute of this tenant are used; retry in 15 s',
      },
    });
    expect(refused.headers?.['retry-after']).toBe('15');
    expect(refused.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(refused.headers?.['x-correlation-id']).toBe('req-1');
    expect(runs).toBe(2);
    expect(checks[0]).toEqual({
      holder: 'acme',
      limitClass: 'expensive',
      limit: 2,
      now: new Date('2026-11-25T02:00:45Z'),
    });
    // Another tenant has its own budget; the next window opens the first one's again.
    expect((await call(limitedHandler, { tenantId: 'globex' })).status).toBe(201);
    expect((await call(limitedHandler, { at: new Date('2026-11-25T02:01:00Z') })).status).toBe(201);
  });

  it('counts refused input too (the limit comes before validation)', async () => {
    useRateLimiter(countingLimiter().limiter);
    await call(limitedHandler, { body: { amount: 'x' } });
    await call(limitedHandler, { body: { amount: 'x' } });
    expect((await call(limitedHandler)).status).toBe(429);
  });

  it('counts an operator (no tenant) against a budget of its own, per user', async () => {
    const { limiter, checks } = countingLimiter();
    useRateLimiter(limiter);
    const asOperator = (subject: string) =>
      call(limitedHandler, { tenantId: undefined, roles: ['operator'], subject });
    expect((await asOperator('op-1')).status).toBe(201);
    expect((await asOperator('op-1')).status).toBe(201);
    const refused = await asOperator('op-1');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('of this operator');
    expect((await asOperator('op-2')).status).toBe(201);
    expect(checks.map((c) => c.holder)).toEqual([
      'operator:op-1',
      'operator:op-1',
      'operator:op-1',
      'operator:op-2',
    ]);
  });

  it('never counts a class configured off', async () => {
    const { limiter, checks } = countingLimiter();
    useRateLimiter(limiter);
    process.env[RATE_LIMITS_ENV] = 'expensive=off';
    for (let i = 0; i < 3; i++) expect((await call(limitedHandler)).status).toBe(201);
    expect(checks).toHaveLength(0);
  });

  it('counts a CSV download against the CSV class of a route that names one per representation', async () => {
    const { limiter, checks } = countingLimiter();
    useRateLimiter(limiter);
    const csvRoute = probe({
      ...limitedRoute,
      id: 'csvProbe',
      rateLimit: { json: 'read', csv: 'expensive' },
    });
    await call(csvRoute);
    await call(csvRoute, { query: { format: 'csv' } });
    await call(csvRoute, { headers: { accept: 'text/csv' } });
    await call(csvRoute, { query: { format: 'json' }, headers: { accept: 'text/csv' } });
    expect(checks.map((c) => c.limitClass)).toEqual(['read', 'expensive', 'expensive', 'read']);
  });

  it('when the counter cannot answer, refuses writes and expensive routes with 503 and Retry-After, admits reads', async () => {
    useRateLimiter({
      admit: async () => {
        throw new RateLimiterUnavailable('rate limiter: no answer within 500 ms');
      },
    });
    for (const limitClass of ['expensive', 'write'] as const) {
      const refused = await call(probe({ ...limitedRoute, id: `${limitClass}Probe`, rateLimit: limitClass }));
      expect(refused.status, limitClass).toBe(503);
      expect(refused.body.error.code).toBe('rate_limiter_unavailable');
      expect(refused.headers?.['retry-after']).toBe('1');
    }
    expect(runs).toBe(0);
    const readProbe = probe({ ...limitedRoute, id: 'readProbe', rateLimit: 'read' });
    for (let i = 0; i < 3; i++) expect((await call(readProbe)).status).toBe(201);
    expect(runs).toBe(3);
  });

  it('still rejects a missing token before counting anything', async () => {
    const { limiter, checks } = countingLimiter();
    useRateLimiter(limiter);
    expect((await call(limitedHandler, { anonymous: true })).status).toBe(401);
    expect(checks).toHaveLength(0);
  });
});

describe('DynamoDB rate limiter', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const check: RateCheck = {
    holder: 'acme',
    limitClass: 'write',
    limit: 120,
    now: new Date('2026-11-25T02:00:45Z'),
  };
  beforeEach(() => {
    ddb.reset();
    process.env.TABLE_OPS = 'ops-table';
  });
  afterEach(() => {
    delete process.env.TABLE_OPS;
  });

  it('counts with one conditional ADD on the window item, returning nothing', async () => {
    ddb.on(UpdateCommand).resolves({});
    expect(await createDynamoRateLimiter().admit(check)).toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'ops-table',
      Key: { pk: 'RATE#acme#write', sk: '2026-11-25T02:00' },
      UpdateExpression: 'SET #type = :type, #expires = :expires ADD #n :one',
      ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
      ExpressionAttributeNames: { '#type': 'type', '#expires': 'expiresAt', '#n': 'n' },
      ExpressionAttributeValues: {
        ':type': 'rate-window',
        ':expires': Date.parse('2026-11-25T02:01:00Z') / 1000 + RATE_WINDOW_RETENTION_SECONDS,
        ':one': 1,
        ':limit': 120,
      },
      ReturnValues: 'NONE',
    });
  });

  it('a failed condition means the window is full', async () => {
    ddb.on(UpdateCommand).rejects(
      Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      }),
    );
    expect(await createDynamoRateLimiter().admit(check)).toBe(false);
  });

  it('any other failure is RateLimiterUnavailable (the class decides), and no table is a configuration error', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    const failure = await createDynamoRateLimiter()
      .admit(check)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateLimiterUnavailable);
    expect((failure as Error).message).toBe('rate limiter: DynamoDB failed');
    expect(((failure as Error).cause as Error).message).toBe('gone');
    delete process.env.TABLE_OPS;
    await expect(createDynamoRateLimiter().admit(check)).rejects.toThrow(
      /missing environment variable TABLE_OPS/,
    );
  });

  it('gives up when DynamoDB does not answer in time', async () => {
    // Stands in for the SDK: a request still out when its signal aborts rejects.
    ddb.on(UpdateCommand).callsFake(
      () =>
        new Promise((_resolve, reject) => {
          setTimeout(() => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), 50);
        }),
    );
    await expect(createDynamoRateLimiter({ timeoutMs: 1 }).admit(check)).rejects.toBeInstanceOf(
      RateLimiterUnavailable,
    );
  });

  it('builds the same request the limiter sends', () => {
    expect(rateWindowUpdate('t', check).Key).toEqual({ pk: 'RATE#acme#write', sk: '2026-11-25T02:00' });
  });
});
