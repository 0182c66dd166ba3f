/** Benchmarks that run a function's code as deployed: bundled as CDK's NodejsFunction would bundle it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BundledPort } from '../infra/bundling.js';
import {
  ESBUILD_TARGET,
  ESM_REQUIRE_SHIM,
  externalModules,
  type PowertoolsSource,
  portDefines,
  routeDefines,
} from '../infra/bundling.js';
import type { RouteDefinition } from '../shared/http/routes.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * esbuild, ESM, minified, @aws-sdk clients and Powertools (its layer) external: into a folder under node_modules, so the bundle
 * still resolves those external packages. Returns the bundle's path.
 */
export async function bundleLikeLambda(
  entry: string,
  name: string,
  ports?: readonly BundledPort[],
  powertools: PowertoolsSource = 'layer',
  route?: RouteDefinition,
): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', 'hotline400-bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    // BENCH_NO_MINIFY=1 keeps the names, for profiles (BENCH_PROFILE, BENCH_HEAP_PROFILE).
    minify: !process.env.BENCH_NO_MINIFY,
    // As infra/constructs/hotline-function.ts: ES modules first, so packages such as @smithy/* tree-shake.
    mainFields: ['module', 'main'],
    external: externalModules(powertools),
    define: { ...portDefines(ports), ...routeDefines(route) },
    outfile,
    banner: { js: ESM_REQUIRE_SHIM },
    logLevel: 'silent',
  });
  return outfile;
}
