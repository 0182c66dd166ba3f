/**
 * The parked-calls review over HTTP on the local runtime (test clock): a record dated an hour ahead is parked
 * by ingest; an operator finds it (signed cursor pages), cannot charge it while it still starts in the
 * future, charges it once the clock has passed its start (exactly once: the second try is a 409), and the
 * resolution is in the audit trail under the tenant charged, who sees the call in its list. Tenants get 403.
 * The one-off ownership backfill job runs locally too.
 * Every success body matches the route's documented response schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import { answeredCall, bindNumbers } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let operator: string;
let tenant: string;

const documented = (routeId: string, body: unknown) => {
  const schema = ROUTE_SCHEMAS[routeId]?.response as z.ZodMiniType;
  expect(z.safeParse(schema, body).error?.issues ?? [], routeId).toEqual([]);
  return body as any;
};

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money], clockAt: '2026-11-24T03:00:00Z' });
  operator = await api.token(undefined, ['operator']);
  tenant = await api.token('demo', ['tenant-admin']);
  await bindNumbers([{ tenantId: 'demo', number400: '4008123456', accessNumber: '+6531580001' }]);
  const ahead = [1, 2].map((k) =>
    answeredCall('+6531580001', {
      contactId: `parked-e2e-${k}`,
      answeredAt: `2026-11-24T0${3 + k}:00:00Z`,
      seconds: 60,
    }),
  );
  // Not failures (the stream's failure destination stays empty): parked for review by ingest.
  expect((await api.post('/local/contact-records', ahead)).body).toMatchObject({ records: 2, parked: 0 });
});
afterAll(async () => api?.stop());

describe('parked calls review over HTTP', () => {
  it('lists, refuses the charge while the call is ahead, charges it once when due, and audits it', async () => {
    // Parked at the same instant: newest parked first, then by contact id, descending.
    const first = await api.get('/v1/review/parked-calls?limit=1&code=starts_in_future', operator);
    expect(first.status).toBe(200);
    expect(
      documented('listParkedCalls', first.body).items.map((r: { contactId: string }) => r.contactId),
    ).toEqual(['parked-e2e-2']);
    const second = await api.get(
      `/v1/review/parked-calls?limit=1&code=starts_in_future&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      operator,
    );
    expect(second.body.items.map((r: { contactId: string }) => r.contactId)).toEqual(['parked-e2e-1']);
    // The cursor is bound to its filters.
    const refiltered = await api.get(
      `/v1/review/parked-calls?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      operator,
    );
    expect(refiltered).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
    const one = documented(
      'getParkedCall',
      (await api.get('/v1/review/parked-calls/parked-e2e-1', operator)).body,
    );
    expect(one).toMatchObject({ status: 'open', code: 'starts_in_future', number: null, chargeable: true });

    const early = await api.post(
      '/v1/review/parked-calls/parked-e2e-1/resolution',
      { action: 'charge' },
      operator,
    );
    expect(early).toMatchObject({
      status: 409,
      body: { error: { code: 'still_parked', details: { code: 'starts_in_future' } } },
    });

    await api.setClock('2026-11-24T04:30:00Z');
    const charged = await api.post(
      '/v1/review/parked-calls/parked-e2e-1/resolution',
      { action: 'charge' },
      operator,
    );
    expect(charged.status).toBe(200);
    const resolution = documented('resolveParkedCall', charged.body).resolution;
    expect(resolution).toMatchObject({ status: 'charged', tenantId: 'demo' });
    const again = await api.post(
      '/v1/review/parked-calls/parked-e2e-1/resolution',
      { action: 'charge' },
      operator,
    );
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_resolved' } } });

    const calls = await api.get(
      '/v1/calls?number=4008123456&from=2026-11-24T00:00:00Z&to=2026-11-24T06:00:00Z',
      tenant,
    );
    expect(
      calls.body.items.map((c: { contactId: string; charge: number }) => [c.contactId, c.charge]),
    ).toEqual([['parked-e2e-1', resolution.amount]]);
    const trail = await api.get('/v1/audit-events?tenantId=demo', operator);
    expect(
      trail.body.items.filter((e: { routeId: string }) => e.routeId === 'resolveParkedCall'),
    ).toMatchObject([
      {
        object: 'parked-call:parked-e2e-1',
        actor: { kind: 'operator' },
        after: { status: 'charged', tenantId: 'demo', amount: resolution.amount },
      },
    ]);
  });

  it('runs the one-off ownership backfill locally: POST /local/jobs/number-ownership-backfill, twice', async () => {
    const jobs = await api.get('/local/jobs');
    expect(jobs.body.jobs).toContainEqual(
      expect.objectContaining({ name: 'number-ownership-backfill', timeZone: 'Asia/Shanghai' }),
    );
    const first = await api.post('/local/jobs/number-ownership-backfill', {});
    expect(first.status).toBe(200);
    expect(first.body.result).toMatchObject({ failed: 0 });
    expect(first.body.result.scanned).toBeGreaterThan(0);
    const again = await api.post('/local/jobs/number-ownership-backfill', {});
    expect(again.body.result).toMatchObject({ scanned: first.body.result.scanned, written: 0, failed: 0 });
  });

  it('refuses tenants', async () => {
    for (const [method, path] of [
      ['GET', '/v1/review/parked-calls'],
      ['GET', '/v1/review/parked-calls/parked-e2e-2'],
      ['POST', '/v1/review/parked-calls/parked-e2e-2/resolution'],
    ] as const) {
      const res = await api.request(method, path, {
        token: tenant,
        ...(method === 'POST' ? { body: { action: 'dismiss', reason: 'mine' } } : {}),
      });
      expect(res.status, path).toBe(403);
    }
  });
});
