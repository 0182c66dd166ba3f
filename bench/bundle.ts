/** Benchmarks that run a function's code as deployed: bundled as CDK's NodejsFunction would bundle it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ESM_REQUIRE_SHIM, EXTERNAL_SDK_MODULES } from '../infra/bundling.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * esbuild, ESM, minified, @aws-sdk clients external: into a folder under node_modules, so the bundle
 * still resolves those external packages. Returns the bundle's path.
 */
export async function bundleLikeLambda(entry: string, name: string): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', 'hotline400-bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // BENCH_NO_MINIFY=1 keeps the names, for profiles (BENCH_PROFILE, BENCH_HEAP_PROFILE).
    minify: !process.env.BENCH_NO_MINIFY,
    // As infra/constructs/hotline-function.ts: ES modules first, so packages such as @smithy/* tree-shake.
    mainFields: ['module', 'main'],
    external: EXTERNAL_SDK_MODULES,
    outfile,
    banner: { js: ESM_REQUIRE_SHIM },
    logLevel: 'silent',
  });
  return outfile;
}
