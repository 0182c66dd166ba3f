/**
 * The per-tenant rate limit on the real engine: apiHandler with the DynamoDB limiter counting in the ops
 * table. Windows are picked by the request's instant (the event's timeEpoch, which becomes `req.now`), so
 * every case here sets it and nothing depends on the clock.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { handler as listHolidayCalendars } from '../../functions/api/routing/list-holiday-calendars.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { createDynamoRateLimiter } from '../../shared/adapters/dynamo/rate-limits.js';
import { RATE_LIMITS_ENV, RATE_WINDOW_RETENTION_SECONDS } from '../../shared/domain/rate-limits.js';
import { apiHandler, useRateLimiter } from '../../shared/http/api-handler.js';
import type { RouteDefinition } from '../../shared/http/routes.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

const route: RouteDefinition = {
  id: 'expensiveProbe',
  method: 'POST',
  path: '/v1/probes',
  entry: 'unused.ts',
  roles: ['tenant-admin'],
  tables: {},
  rateLimit: 'expensive',
  summary: 'test',
  tag: 'test',
};

let ran = 0;
const probe = apiHandler(route, { body: z.strictObject({ n: z.number() }) }, async (req) => {
  ran++;
  return { status: 201, body: { tenant: req.principal.tenantId } };
});

const AT = new Date('2026-11-25T02:00:40.250Z');
const NEXT_MINUTE = new Date('2026-11-25T02:01:00.000Z');

async function call(tenantId: string, at: Date = AT) {
  const response = await probe(apiEvent({ tenantId, body: { n: 1 }, at }), lambdaContext);
  return {
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : undefined,
    headers: response.headers ?? {},
  };
}

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  // Generous: the first request on a cold engine must not be mistaken for a slow DynamoDB.
  useRateLimiter(createDynamoRateLimiter({ timeoutMs: 10_000 }));
});
afterAll(async () => {
  useRateLimiter('default');
  await db.stop();
});
beforeEach(() => {
  ran = 0;
  process.env[RATE_LIMITS_ENV] = 'expensive=3,read=2';
});
afterEach(() => {
  delete process.env[RATE_LIMITS_ENV];
  process.env.TABLE_OPS = db.env.TABLE_OPS;
});

describe('per-tenant rate limit on DynamoDB', () => {
  it("the (limit+1)th request of a tenant in a window is a 429; another tenant's are not", async () => {
    for (let i = 0; i < 3; i++) expect((await call('acme')).status).toBe(201);
    const refused = await call('acme');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: {
        code: 'rate_limited',
        message: 'the 3 expensive requests a minute of this tenant are used; retry in 20 s',
      },
    });
    expect(refused.headers['retry-after']).toBe('20');
    expect(ran).toBe(3);
    // Refused requests do not count: the window holds exactly the budget.
    const window = await dynamo().send(
      new GetCommand({
        TableName: db.env.TABLE_OPS,
        Key: { pk: 'RATE#acme#expensive', sk: '2026-11-25T02:00' },
      }),
    );
    expect(window.Item).toEqual({
      pk: 'RATE#acme#expensive',
      sk: '2026-11-25T02:00',
      type: 'rate-window',
      n: 3,
      expiresAt: Date.parse('2026-11-25T02:01:00Z') / 1000 + RATE_WINDOW_RETENTION_SECONDS,
    });

    for (let i = 0; i < 3; i++) expect((await call('globex')).status).toBe(201);
    expect((await call('globex')).status).toBe(429);
  });

  it('the next window admits the tenant again', async () => {
    for (let i = 0; i < 4; i++) await call('initech');
    expect((await call('initech')).status).toBe(429);
    const next = await call('initech', NEXT_MINUTE);
    expect(next.status).toBe(201);
    expect((await call('initech', new Date(NEXT_MINUTE.getTime() + 59_999))).status).toBe(201);
  });

  it('a real route is limited by its class from the route table', async () => {
    const event = () => apiEvent({ tenantId: 'umbrella', roles: ['tenant-viewer'], at: AT, headers: {} });
    expect((await listHolidayCalendars(event(), lambdaContext)).statusCode).toBe(200);
    expect((await listHolidayCalendars(event(), lambdaContext)).statusCode).toBe(200);
    const refused = await listHolidayCalendars(event(), lambdaContext);
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body ?? '{}').error.code).toBe('rate_limited');
    // An operator without a tenant has a budget of its own, counted per user.
    const operator = (subject: string) => apiEvent({ roles: ['operator'], subject, at: AT });
    for (let i = 0; i < 2; i++) {
      expect((await listHolidayCalendars(operator('op-1'), lambdaContext)).statusCode).toBe(200);
    }
    expect((await listHolidayCalendars(operator('op-1'), lambdaContext)).statusCode).toBe(429);
    expect((await listHolidayCalendars(operator('op-2'), lambdaContext)).statusCode).toBe(200);
  });

  it('refuses an expensive request it cannot count (the table is missing) with 503, and admits reads', async () => {
    process.env.TABLE_OPS = 'no-such-table';
    for (let i = 0; i < 3; i++) {
      const refused = await call('hooli');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
    }
    expect(ran).toBe(0);
    const read = () => apiEvent({ tenantId: 'hooli', roles: ['tenant-viewer'], at: AT, headers: {} });
    for (let i = 0; i < 3; i++)
      expect((await listHolidayCalendars(read(), lambdaContext)).statusCode).toBe(200);
  });

  it('holds under a burst: 200 concurrent requests on a budget of 20 admit exactly 20', async () => {
    process.env[RATE_LIMITS_ENV] = 'expensive=20';
    const answers = await Promise.all(Array.from({ length: 200 }, () => call('burst')));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(ran).toBe(20);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBe(20);
    }
  });
});
