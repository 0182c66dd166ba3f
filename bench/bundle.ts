/** Benchmarks that run a function's code as deployed: bundled as CDK's NodejsFunction would bundle it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import type { BundledPort } from '../infra/bundling.js';
import {
  bundleAliases,
  ESBUILD_TARGET,
  ESM_REQUIRE_SHIM,
  externalModules,
  type PowertoolsSource,
  portDefines,
  portsOf,
  routeDefines,
} from '../infra/bundling.js';
import type { RouteDefinition } from '../shared/http/routes.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * esbuild's options for a function as CDK's NodejsFunction bundles it (infra/constructs/hotline-function.ts):
 * ESM, minified, @aws-sdk clients and Powertools (its layer) external, the ports it is not granted left out
 * and its own route row compiled in. No source map: the bytes measured are the code a cold start loads.
 */
export function lambdaBuildOptions(
  entry: string,
  outfile: string,
  ports?: readonly BundledPort[],
  powertools: PowertoolsSource = 'layer',
  route?: RouteDefinition,
): BuildOptions {
  return {
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
    alias: bundleAliases(),
    logLevel: 'silent',
  };
}

/**
 * Bundles like CDK (lambdaBuildOptions) into a folder under node_modules, so the bundle still resolves the
 * external packages. Returns the bundle's path.
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
  await build(lambdaBuildOptions(entry, outfile, ports, powertools, route));
  return outfile;
}

/** The bytes of an API route's bundle as deployed (its ports as infra/bundling.ts portsOf grants them). */
export async function apiBundleBytes(route: RouteDefinition): Promise<number> {
  const ports = portsOf(route.capabilities, 'api', route.id, route.method);
  const options = lambdaBuildOptions(route.entry, join(ROOT, `api-${route.id}.mjs`), ports, 'layer', route);
  const { outputFiles } = await build({ ...options, write: false });
  return outputFiles.reduce((bytes, file) => bytes + file.contents.byteLength, 0);
}
