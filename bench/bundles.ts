/**
 * Bundle sizes of the API handlers as deployed (bench/bundle.ts bundles like the CDK). A small handler's
 * target is ≤ 120 KB: `bundle.apiHandlerSmallCount` counts the handlers within 120 KiB (122,880 B) and
 * `bundle.suspendBytes` is `suspendNumber`'s, the small handler the target names (test/infra/bundling.test.ts
 * holds it to 120,000 B). A handler that pulls in an unrelated adapter or store shows here.
 */
import { ROUTES } from '../shared/http/routes.js';
import { apiBundleBytes } from './bundle.js';

/** 120 KiB: the larger reading of "120 KB", so a handler counted here is small under either reading. */
const SMALL_HANDLER_BYTES = 120 * 1024;

export async function run(): Promise<Record<string, number>> {
  let maxBytes = 0;
  let largest = '';
  let total = 0;
  let small = 0;
  let suspendBytes = 0;
  for (const route of ROUTES) {
    const bytes = await apiBundleBytes(route);
    total += bytes;
    if (bytes <= SMALL_HANDLER_BYTES) small += 1;
    if (route.id === 'suspendNumber') suspendBytes = bytes;
    if (bytes > maxBytes) [maxBytes, largest] = [bytes, route.id];
  }
  console.log(`  largest API handler: ${largest}; ${small} of ${ROUTES.length} ≤ 120 KiB`);
  return {
    'bundle.apiHandlerMaxBytes': maxBytes,
    'bundle.apiHandlerMeanBytes': Math.round(total / ROUTES.length),
    'bundle.apiHandlerSmallCount': small,
    'bundle.suspendBytes': suspendBytes,
  };
}
