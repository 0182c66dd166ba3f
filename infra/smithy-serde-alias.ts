/**
 * @smithy/core's `serde` entry point with its two module-scope constructions marked pure, for esbuild's
 * `alias`. @smithy/signature-v4 (the routing Lambda's signer) imports a handful of byte helpers from that
 * entry point, whose module scope also builds `Uint8ArrayBlobAdapter` (a class) and `v4` (a UUID
 * generator that reads globalThis.crypto, which loads Node's WebCrypto). Nothing in the routing Lambda uses
 * either; marked pure, esbuild drops them when unused and keeps them, built as before, when used.
 * ~0.9 ms of the routing Lambda's cold import here (bench/routing.ts: routeCall.coldImportRatio).
 *
 * The module is generated from the installed file, like the built-in aliases (./bundling.ts), so it cannot
 * drift from the installed version: if the statements it rewrites change, bundling fails and names them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERDE_DIRECTORY = join(ROOT, 'node_modules/@smithy/core/dist-es/submodules/serde');

/** The statements made pure, as the installed file writes them, and what they become. */
const PURE_REWRITES: readonly (readonly [string, string])[] = [
  [
    'export class Uint8ArrayBlobAdapter extends bindUint8ArrayBlobAdapter(toUtf8, fromUtf8, toBase64, fromBase64) {\n}',
    'export const Uint8ArrayBlobAdapter = /* @__PURE__ */ (() =>\n  class Uint8ArrayBlobAdapter extends bindUint8ArrayBlobAdapter(toUtf8, fromUtf8, toBase64, fromBase64) {})();',
  ],
  [
    'export const v4 = bindV4(_getRandomValues);',
    'export const v4 = /* @__PURE__ */ bindV4(_getRandomValues);',
  ],
];

/** The rewritten entry point's source; throws when the installed file no longer has what it rewrites. */
export function sideEffectFreeSerdeSource(installed: string, serdeDirectory: string): string {
  let source = installed;
  for (const [from, to] of PURE_REWRITES) {
    if (!source.includes(from)) {
      throw new Error(
        `@smithy/core/serde changed: "${from.split('\n')[0]}" is no longer in ${serdeDirectory}/index.js; ` +
          'update infra/smithy-serde-alias.ts',
      );
    }
    source = source.replace(from, to);
  }
  // Its relative imports, made absolute: the module is written elsewhere.
  return source.replaceAll(
    /from "\.\/([^"]+)"/g,
    (_, path: string) => `from ${JSON.stringify(`${serdeDirectory}/${path}`)}`,
  );
}

let written: Record<string, string> | undefined;

/** `{ '@smithy/core/serde': <generated module> }`, written under node_modules/.cache once per process. */
export function smithySerdeAlias(): Record<string, string> {
  if (written) return written;
  const directory = join(ROOT, 'node_modules', '.cache', 'hotline400-smithy');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, 'serde.js');
  writeFileSync(
    file,
    sideEffectFreeSerdeSource(readFileSync(join(SERDE_DIRECTORY, 'index.js'), 'utf8'), SERDE_DIRECTORY),
  );
  written = { '@smithy/core/serde': file };
  return written;
}
