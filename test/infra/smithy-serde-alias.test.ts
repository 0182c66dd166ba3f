/**
 * @smithy/core/serde with its module-scope constructions marked pure (infra/bundling.ts): the
 * routing Lambda's bundle no longer builds a UUID generator (which loads WebCrypto) or a blob class it
 * never uses, and the rewrite fails loudly when the installed file changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../bench/bundle.js';
import { sideEffectFreeSerdeSource, smithySerdeAlias } from '../../infra/bundling.js';
import { REPOSITORY_ROOT } from '../../infra/constructs/hotline-function.js';

const SERDE_DIRECTORY = join(REPOSITORY_ROOT, 'node_modules/@smithy/core/dist-es/submodules/serde');
const installed = readFileSync(join(SERDE_DIRECTORY, 'index.js'), 'utf8');

/** The routing Lambda's bundle text, built as the CDK builds it, with or without the alias. */
async function routeCallBundle(withAlias: boolean): Promise<string> {
  const options = lambdaBuildOptions(
    'functions/connect/route-call.ts',
    join(REPOSITORY_ROOT, 'unused.mjs'),
    [],
    'bundled',
  );
  const alias = withAlias
    ? options.alias
    : Object.fromEntries(
        Object.entries(options.alias ?? {}).filter(([name]) => name !== '@smithy/core/serde'),
      );
  const result = await build({ ...options, alias, write: false });
  return result.outputFiles.map((file) => file.text).join('');
}

describe('the side-effect-free serde entry point', () => {
  it('marks exactly the two constructions pure and keeps every export of the installed file', () => {
    const rewritten = sideEffectFreeSerdeSource(installed, SERDE_DIRECTORY);
    expect(rewritten.match(/\/\* @__PURE__ \*\//g)).toHaveLength(2);
    expect(rewritten).toContain('export const v4 = /* @__PURE__ */ bindV4(_getRandomValues);');
    expect(rewritten).toContain('export const Uint8ArrayBlobAdapter = /* @__PURE__ */ (() =>');
    const exportedNames = (source: string) =>
      [...source.matchAll(/export (?:const|class) (\w+)|export \{([^}]+)\}/g)]
        .flatMap((match) => (match[1] ? [match[1]] : (match[2] ?? '').split(',')))
        .map((name) =>
          name
            .trim()
            .split(/\s+as\s+/)
            .pop(),
        )
        .filter(Boolean)
        .sort();
    expect(exportedNames(rewritten)).toEqual(exportedNames(installed));
    // Relative imports now point into the installed package, whatever directory the module is written to.
    expect(rewritten).not.toMatch(/from "\.\//);
    expect(rewritten).toContain(`from ${JSON.stringify(`${SERDE_DIRECTORY}/util-utf8/toUtf8`)}`);
  });

  it('stands for the only @smithy/core installed: every importer gets the version it was built against', () => {
    // The alias sends every `@smithy/core/serde` import to the top-level package's files; a second, nested
    // copy of @smithy/core would have its importers served another version's helpers.
    const copies = readdirSync(join(REPOSITORY_ROOT, 'node_modules'), {
      recursive: true,
      encoding: 'utf8',
    }).filter((path) => path.replaceAll('\\', '/').endsWith('@smithy/core/package.json'));
    expect(copies).toEqual([join('@smithy', 'core', 'package.json')]);
  });

  it('fails, naming the statement, when the installed file no longer has what it rewrites', () => {
    const changed = installed.replace(
      'export const v4 = bindV4(_getRandomValues);',
      'export const v4 = bindV4();',
    );
    expect(() => sideEffectFreeSerdeSource(changed, SERDE_DIRECTORY)).toThrow(
      /export const v4 = bindV4\(_getRandomValues\);.*update SERDE_PURE_REWRITES in infra\/bundling\.ts/,
    );
  });

  it('is what the CDK and the bench alias @smithy/core/serde to', () => {
    expect(lambdaBuildOptions('functions/connect/route-call.ts', 'x.mjs', [], 'bundled').alias).toMatchObject(
      smithySerdeAlias(),
    );
  });

  it('leaves the UUID generator and the blob class out of the routing Lambda, which the plain entry point keeps', async () => {
    const [withAlias, without] = await Promise.all([routeCallBundle(true), routeCallBundle(false)]);
    expect(without).toContain('randomUUID');
    expect(without).toMatch(/Unsupported conversion from/);
    expect(withAlias).not.toContain('randomUUID');
    expect(withAlias).not.toMatch(/Unsupported conversion from/);
    // The signer's byte helpers are still there: the hex table it signs with.
    expect(withAlias).toMatch(/toString\(16\)/);
  });
});
