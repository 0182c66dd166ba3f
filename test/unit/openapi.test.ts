import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import { ROUTES } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument('http://localhost:3400') as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { operationId: string; security: unknown[]; parameters: { name: string; in: string }[] }>
    >;
  };

  it('is OpenAPI 3.1 with one operation per route, each behind the bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    expect(operations).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.id);
      expect(operation?.security).toEqual([{ bearer: [] }]);
    }
  });

  it('documents every path parameter of every route', () => {
    for (const route of ROUTES) {
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const documented = doc.paths[route.path]?.[route.method.toLowerCase()]?.parameters
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      if (ROUTE_SCHEMAS[route.id]?.path) expect(documented?.sort()).toEqual(names.sort());
    }
  });

  it('has schemas only for routes that exist', () => {
    const ids = new Set(ROUTES.map((r) => r.id));
    for (const id of Object.keys(ROUTE_SCHEMAS))
      expect(ids.has(id), `schema for unknown route ${id}`).toBe(true);
  });

  it('route ids and method+path pairs are unique, paths are versioned and handlers are files that exist', async () => {
    const { existsSync } = await import('node:fs');
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTES.length);
    for (const route of ROUTES) {
      expect(route.path).toMatch(/^\/v1\//);
      expect(route.roles.length).toBeGreaterThan(0);
      expect(existsSync(new URL(`../../${route.entry}`, import.meta.url)), route.entry).toBe(true);
    }
  });
});
