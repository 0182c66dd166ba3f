import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { dailyReport } from '../../shared/domain/calls/reports.js';
import { buildOpenApiDocument, INTEGER_QUERY_PARAMETERS } from '../../shared/http/openapi.js';
import { ROUTES } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import { RESPONSE_SCHEMAS } from '../../shared/http/schemas/responses.js';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters: Parameter[];
  responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }>;
}
const doc = buildOpenApiDocument() as {
  servers: { url: string; variables?: Record<string, unknown> }[];
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
const operation = (id: string) => operations.find((o) => o.operationId === id) as Operation;

describe('OpenAPI document, linted', () => {
  it("has no error under Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(buildOpenApiDocument()),
      absoluteRef: '/openapi.json',
      config,
    });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('the linter does find an error in a broken document (the check can fail)', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const broken = buildOpenApiDocument() as { servers?: unknown; paths: Record<string, unknown> };
    delete broken.servers;
    const problems = await lintFromString({ source: JSON.stringify(broken), absoluteRef: '/x.json', config });
    expect(problems.some((p) => p.severity === 'error')).toBe(true);
  });
});

describe('OpenAPI document, completeness', () => {
  it('gives every route a success response with a schema (204 has no body)', () => {
    for (const route of ROUTES) {
      const op = operation(route.id);
      const status = String(ROUTE_SCHEMAS[route.id]?.status ?? 200);
      const success = op.responses[status];
      expect(success, `${route.id} ${status}`).toBeDefined();
      if (status === '204') continue;
      const schema = success?.content?.['application/json'].schema ?? {};
      expect(Object.keys(schema).length, `${route.id} response schema`).toBeGreaterThan(0);
    }
  });

  it('declares Idempotency-Key and If-Match on the routes that read them, and only there', () => {
    const declared = (header: string) =>
      operations
        .filter((o) => o.parameters.some((p) => p.in === 'header' && p.name === header))
        .map((o) => o.operationId)
        .sort();
    const readers = (needle: RegExp) =>
      ROUTES.filter((r) => needle.test(readFileSync(r.entry, 'utf8')))
        .map((r) => r.id)
        .sort();
    expect(declared('Idempotency-Key')).toEqual(readers(/idempotency-key|idempotencyKeyOf/i));
    expect(declared('If-Match')).toEqual(readers(/if-match/i));
    expect(declared('Idempotency-Key')).toEqual(['createCredit', 'createPaymentOrder', 'requestRefund']);
    expect(
      operation('createPaymentOrder').parameters.find((p) => p.name === 'Idempotency-Key')?.required,
    ).toBe(true);
  });

  it('types limit as an integer, within the bounds every route enforces', () => {
    const bounds = INTEGER_QUERY_PARAMETERS.limit as { minimum: number; maximum: number };
    for (const route of ROUTES) {
      const limit = operation(route.id).parameters.find((p) => p.in === 'query' && p.name === 'limit');
      if (!limit) continue;
      expect(limit.schema.type, route.id).toBe('integer');
      const query = ROUTE_SCHEMAS[route.id]?.query as z.ZodMiniType;
      const accepts = (value: string) =>
        z.safeParse(query, { limit: value, ...requiredQuery(route.id) }).success;
      expect(accepts(String(bounds.minimum)), `${route.id} min`).toBe(true);
      expect(accepts(String(bounds.maximum)), `${route.id} max`).toBe(true);
      expect(accepts(String(bounds.minimum - 1)), `${route.id} below`).toBe(false);
      expect(accepts(String(bounds.maximum + 1)), `${route.id} above`).toBe(false);
      expect(accepts('ten'), `${route.id} words`).toBe(false);
    }
  });

  it('lists the deployed API (with variables) and the local server', () => {
    expect(doc.servers.map((s) => s.url)).toEqual([
      'https://{apiId}.execute-api.{region}.amazonaws.com',
      'http://localhost:3400',
    ]);
    expect(Object.keys(doc.servers[0]?.variables ?? {})).toEqual(['apiId', 'region']);
    const served = buildOpenApiDocument('http://127.0.0.1:4000') as { servers: { url: string }[] };
    expect(served.servers[0]?.url).toBe('http://127.0.0.1:4000');
  });

  it('describes the daily report as the domain builds it', () => {
    const report = dailyReport(
      [
        {
          startedAt: '2026-12-01T02:00:00Z',
          missed: false,
          durationSeconds: 95,
          amount: 60,
          callerRegion: 'Shanghai',
        },
      ],
      '2026-12-01',
      '2026-12-01',
      'Asia/Shanghai',
    );
    const body = { number: null, numbers: ['4008123456'], ...report };
    const parsed = z.safeParse(RESPONSE_SCHEMAS.dailyReport as z.ZodMiniType, body);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

/** Required query parameters of a route, with valid values, so a limit check is not refused for them. */
function requiredQuery(routeId: string): Record<string, string> {
  return routeId === 'listCalls' ? { number: '4008123456' } : {};
}
