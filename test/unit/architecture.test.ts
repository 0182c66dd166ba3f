/**
 * The layers' rules (docs/ARCHITECTURE.md), checked on every import of every Lambda-side module, type-only
 * imports included: a rule that only holds at run time would still let a port's shape leak into the domain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

type Layer = 'domain' | 'app' | 'ports' | 'adapters' | 'http' | 'runtime' | 'handlers' | 'support' | 'infra';

/** Which layer a repository path belongs to. shared/geo and shared/connect are pure libraries of facts. */
function layerOf(path: string): Layer | undefined {
  if (path.startsWith('functions/')) return 'handlers';
  if (path.startsWith('infra/')) return 'infra';
  const match = /^shared\/([^/]+)/.exec(path);
  if (!match) return undefined;
  const top = match[1] ?? '';
  if (['domain', 'app', 'ports', 'adapters', 'http', 'runtime'].includes(top)) return top as Layer;
  if (top === 'geo' || top === 'connect') return 'domain';
  return 'support';
}

const AWS_PACKAGES =
  /^(@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|@middy\/|aws-lambda$|aws-cdk-lib|constructs$|cdk-nag$)/;
const CDK_PACKAGES = /^(aws-cdk-lib|constructs$|cdk-nag$)/;

/** Layers each layer may import (repository modules); anything else is a violation. */
const MAY_IMPORT: Record<Exclude<Layer, 'infra'>, readonly Layer[]> = {
  domain: ['domain'],
  ports: ['domain', 'ports'],
  app: ['domain', 'ports', 'app'],
  adapters: ['domain', 'ports', 'adapters', 'support'],
  http: ['domain', 'ports', 'http', 'runtime', 'support'],
  runtime: ['domain', 'ports', 'app', 'adapters', 'http', 'runtime', 'support'],
  handlers: ['domain', 'ports', 'app', 'http', 'runtime', 'support'],
  support: ['domain', 'ports', 'support'],
};

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every import of a module: static, re-exports, type-only and dynamic `import('…')`. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specifiers.push(m[1] ?? '');
  return specifiers;
}

/** The rule an edge breaks, or undefined when it is allowed. */
function violation({ from, to }: Edge): string | undefined {
  const source = layerOf(from);
  if (!source || source === 'infra') return undefined;
  if (!to.startsWith('.') && !to.startsWith('/')) {
    if (CDK_PACKAGES.test(to)) return `${from}: Lambda code imports the CDK (${to})`;
    if ((source === 'domain' || source === 'app' || source === 'ports') && AWS_PACKAGES.test(to)) {
      return `${from}: the ${source} layer imports AWS (${to})`;
    }
    return undefined;
  }
  const target = normalize(join(dirname(from), to)).replace(/\.js$/, '.ts');
  const layer = layerOf(target);
  if (!layer) return `${from}: imports ${target}, outside the layers`;
  if (layer === 'infra') return `${from}: Lambda code imports infra (${target})`;
  if (!MAY_IMPORT[source].includes(layer)) return `${from}: the ${source} layer imports ${layer} (${target})`;
  return undefined;
}

function lambdaSideEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const top of ['shared', 'functions']) {
    for (const file of readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const from = relative(ROOT, join(ROOT, top, file));
      for (const to of importsOf(readFileSync(join(ROOT, from), 'utf8'))) edges.push({ from, to });
    }
  }
  return edges;
}

describe('layers', () => {
  it('holds for every import of shared/ and functions/', () => {
    const edges = lambdaSideEdges();
    // A scan that found nothing would pass vacuously.
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.map(violation).filter(Boolean)).toEqual([]);
  });

  it('has use cases, and handlers that reach them', () => {
    const edges = lambdaSideEdges();
    expect(edges.some((e) => layerOf(e.from) === 'app')).toBe(true);
    expect(edges.some((e) => layerOf(e.from) === 'handlers' && e.to.includes('/runtime/'))).toBe(true);
  });

  it('fails an edge that breaks each rule', () => {
    const broken: Edge[] = [
      { from: 'shared/domain/rating/rate-call.ts', to: '../../adapters/dynamo/client.js' },
      { from: 'shared/domain/rating/rate-call.ts', to: '../../ports/telephony.js' },
      { from: 'shared/app/numbers/reserve-number.ts', to: '../../adapters/dynamo/numbers.js' },
      { from: 'shared/app/numbers/reserve-number.ts', to: '../../http/api-handler.js' },
      { from: 'shared/app/numbers/reserve-number.ts', to: '@aws-sdk/lib-dynamodb' },
      { from: 'shared/adapters/dynamo/numbers.ts', to: '../../app/numbers/reserve-number.js' },
      { from: 'shared/adapters/dynamo/numbers.ts', to: '../../../functions/api/numbers/reserve.js' },
      { from: 'functions/api/numbers/reserve.ts', to: '../../../shared/adapters/dynamo/numbers.js' },
      { from: 'functions/api/numbers/reserve.ts', to: 'aws-cdk-lib' },
      { from: 'shared/ports/numbers.ts', to: '../app/numbers/reserve-number.js' },
    ];
    for (const edge of broken) expect(violation(edge), `${edge.from} → ${edge.to}`).toBeDefined();
    const allowed: Edge[] = [
      { from: 'shared/app/numbers/reserve-number.ts', to: '../../domain/numbers/lifecycle.js' },
      { from: 'shared/app/numbers/reserve-number.ts', to: '../../ports/clock.js' },
      { from: 'shared/adapters/dynamo/numbers.ts', to: '@aws-sdk/lib-dynamodb' },
      { from: 'functions/api/numbers/reserve.ts', to: '../../../shared/runtime/numbers.js' },
      { from: 'shared/runtime/numbers.ts', to: '../adapters/dynamo/numbers.js' },
    ];
    for (const edge of allowed) expect(violation(edge), `${edge.from} → ${edge.to}`).toBeUndefined();
  });

  it('reads static, type-only, re-exported and dynamic imports', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export * from './c.js';",
      "const d = await import('./d.js');",
      "import './e.js';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js']);
  });
});
