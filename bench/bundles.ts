/**
 * Bundle sizes of the API handlers as deployed (bench/bundle.ts bundles like the CDK): the largest is
 * `bundle.apiHandlerMaxBytes`; a small handler's target is ≤ 120 KB, so a handler that pulls in an unrelated adapter shows here.
 */
import { statSync } from 'node:fs';
import { portsOf } from '../infra/bundling.js';
import { ROUTES } from '../shared/http/routes.js';
import { bundleLikeLambda } from './bundle.js';

export async function run(): Promise<Record<string, number>> {
  let maxBytes = 0;
  let largest = '';
  let total = 0;
  for (const route of ROUTES) {
    const ports = portsOf(route.capabilities, 'api', route.id, route.method);
    const bytes = statSync(
      await bundleLikeLambda(route.entry, `api-${route.id}`, ports, 'layer', route),
    ).size;
    total += bytes;
    if (bytes > maxBytes) [maxBytes, largest] = [bytes, route.id];
  }
  console.log(`  largest API handler: ${largest}`);
  return {
    'bundle.apiHandlerMaxBytes': maxBytes,
    'bundle.apiHandlerMeanBytes': Math.round(total / ROUTES.length),
  };
}
