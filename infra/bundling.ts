/** esbuild settings shared by the CDK functions and the benchmarks that bundle like them (no CDK here). */

/**
 * Bundled ESM has no `require`; some dependencies still call it (CommonJS inside ESM), so the bundle gets
 * one built from import.meta.url.
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as __hotlineCreateRequire } from 'node:module'; const require = __hotlineCreateRequire(import.meta.url);";

/**
 * The Node.js runtime ships AWS SDK v3; bundling its clients again only slows cold starts. The small,
 * dependency-free utilities (util-dynamodb) are bundled instead: loading them from the runtime's
 * node_modules costs the routing Lambda more than their bytes do.
 */
export const EXTERNAL_SDK_MODULES = ['@aws-sdk/client-*', '@aws-sdk/lib-*', '@aws-sdk/s3-request-presigner'];
