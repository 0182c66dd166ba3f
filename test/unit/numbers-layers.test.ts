/**
 * The numbers area keeps its layers: use cases import only the domain and ports, the number stores import
 * no use case, handler or runtime (but for the two re-exports kept for other areas until the merge), and
 * the numbers handlers reach storage only through the composition root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const patterns = [
    /\bimport\s*\(?\s*(?:[^'"();]*?\sfrom\s*)?['"]([^'"]+)['"]/g, // static, side-effect and dynamic imports
    /\bexport\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g, // re-exports
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] as string));
}

const filesIn = (dir: string, keep: (name: string) => boolean = () => true) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.ts') && keep(name))
    .map((name) => `${dir}/${name}`);

describe('numbers layers', () => {
  it('use cases import only the domain, ports and each other', () => {
    for (const file of filesIn('shared/app/numbers')) {
      for (const target of importsOf(file)) {
        expect(target, file).toMatch(/^(\.\.\/\.\.\/domain\/|\.\.\/\.\.\/ports\/|\.\/)/);
      }
    }
  });

  it('number stores import no use case, handler, http or runtime', () => {
    const shims = new Set(['number-lifecycle.ts', 'number-jobs.ts']); // moved in issue 12: remove after the merge
    const stores = filesIn('shared/adapters/dynamo', (n) => n.startsWith('number-') && !shims.has(n));
    expect(stores.length).toBeGreaterThan(3);
    for (const file of stores) {
      for (const target of importsOf(file)) {
        expect(target, file).not.toMatch(/\/(app|http|runtime)\/|functions\//);
      }
    }
  });

  it('numbers handlers never import an adapter', () => {
    const handlers = [
      ...filesIn('functions/api/numbers'),
      ...filesIn('functions/api/applications'),
      ...filesIn('functions/api/review'),
      ...filesIn('functions/jobs', (n) => n.startsWith('number-')),
    ];
    expect(handlers.length).toBeGreaterThan(20);
    for (const file of handlers) {
      for (const target of importsOf(file)) expect(target, file).not.toMatch(/\/adapters\//);
    }
  });
});
