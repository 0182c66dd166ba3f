/** esbuild settings shared by the CDK functions and the benchmarks that bundle like them (no CDK here). */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAYMENT_SECRET_ROUTES } from '../shared/http/routes/payments.js';
import type { Capability, HttpMethod, RouteDefinition } from '../shared/http/routes.js';
import { PORT_NAMES, type PortName, portBundleFlag } from '../shared/runtime/ports.js';
import { WORK_QUEUES } from './catalogue/work-queues.js';

/** esbuild target matching the Lambda runtime (LAMBDA_RUNTIME in constructs/hotline-function.ts). */
export const ESBUILD_TARGET = 'node24';

/**
 * Bundled ESM has no `require`; some dependencies still call it (CommonJS inside ESM), so the bundle gets
 * one built from import.meta.url (node:module taken as a built-in, not imported: see builtinAliases).
 */
export const ESM_REQUIRE_SHIM =
  "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";

/**
 * Every Node built-in (`node:http`, `http`, `fs/promises`, …) mapped to a small CommonJS module that returns
 * `process.getBuiltinModule(name)`, for esbuild's `alias`: bundles then take built-ins as `require` would,
 * never by an ES import. Node builds an ES module's view of a built-in by reading every export, and the lazy
 * getters load what nobody asked for: node:http's load undici (~60 ms of `createPaymentOrder`'s cold import,
 * 420–470 → 350–425 ms measured here, through the payment SDKs), node:crypto's webcrypto, node:fs's
 * fs/promises and readline.
 *
 * The built-ins of PROTOTYPE_WRAPPED_BUILTINS are handed out behind an empty object whose prototype is the
 * module (see wrappedBuiltinSource). The modules are written under node_modules/.cache, in a folder named
 * after their content (node_modules may be shared by several checkouts), from the list of the Node that bundles.
 */
export function builtinAliases(): Record<string, string> {
  if (aliasesWritten) return aliasesWritten;
  const sources = builtinModules.map((listed) => {
    const bare = listed.replace(/^node:/, '');
    const name = `node:${bare}`;
    const source = PROTOTYPE_WRAPPED_BUILTINS.has(bare)
      ? wrappedBuiltinSource(name)
      : `module.exports = process.getBuiltinModule(${JSON.stringify(name)});\n`;
    return { listed, bare, source };
  });
  const digest = createHash('sha256');
  for (const { bare, source } of sources) digest.update(`${bare}\0${source}\0`);
  const dir = join(
    fileURLToPath(new URL('..', import.meta.url)),
    'node_modules',
    '.cache',
    `hotline400-builtins-${digest.digest('hex').slice(0, 12)}`,
  );
  mkdirSync(dir, { recursive: true });
  const aliases: Record<string, string> = {};
  for (const { listed, bare, source } of sources) {
    const file = join(dir, `${bare.replaceAll('/', '__')}.cjs`);
    writeUnlessSame(file, source);
    aliases[`node:${bare}`] = file;
    // Names Node also accepts without the scheme (node:test, node:sqlite, … exist only with it).
    if (!listed.startsWith('node:')) aliases[bare] = file;
  }
  aliasesWritten = aliases;
  return aliases;
}
let aliasesWritten: Record<string, string> | undefined;

/**
 * Built-ins that are plain objects of functions and values, whose exports (Node 24) read no `this` and which
 * nothing we bundle enumerates or patches (checked over every function's bundle inputs). Left out: the
 * function-valued modules (events, stream, assert, module, test), whose exports are called and extended;
 * `process` and `console`, the globals; and built-ins nothing bundles.
 */
export const PROTOTYPE_WRAPPED_BUILTINS: ReadonlySet<string> = new Set([
  'async_hooks',
  'buffer',
  'child_process',
  'crypto',
  'diagnostics_channel',
  'dns',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'querystring',
  'stream/promises',
  'stream/web',
  'string_decoder',
  'timers',
  'timers/promises',
  'tls',
  'tty',
  'url',
  'util',
  'util/types',
  'worker_threads',
  'zlib',
]);

/**
 * A built-in behind an object with no properties of its own but two markers. An ES import of the alias goes
 * through esbuild's `__toESM`, which defines a getter for every own property of what `require` returns
 * (crypto has 77, fs 108: 219 getters, ~0.6–1.9 ms and ~160 KB of heap of the routing Lambda's cold import,
 * measured here); here it finds none, and named imports resolve through the prototype. `__esModule` and `default` make the object read as an
 * ES namespace whose default export is the module, so TypeScript's `__importStar` and Babel's interop helpers,
 * which copy own properties too, hand it out as it is (the Aliyun SDKs take crypto, fs, os, url, util and
 * querystring that way). What differs from the module itself: own properties (Object.keys, spread,
 * `export *` see none), a write shadows the module's property instead of patching it (its setters still
 * run), and a method called on the object gets it as `this`. A module that is not an object (another Node)
 * is handed out as it is.
 */
function wrappedBuiltinSource(name: string): string {
  return [
    `const m = process.getBuiltinModule(${JSON.stringify(name)});`,
    "module.exports = typeof m === 'object' && m !== null",
    '  ? Object.create(m, { __esModule: { value: true }, default: { value: m } })',
    '  : m;',
    '',
  ].join('\n');
}

/**
 * What every bundle aliases: the built-ins (builtinAliases) and @smithy/core's serde entry point
 * (smithySerdeAlias). The CDK passes them as `--alias:` arguments, the bench and tests as esbuild's `alias`.
 */
export function bundleAliases(): Record<string, string> {
  return { ...builtinAliases(), ...smithySerdeAlias() };
}

/**
 * @smithy/core's `serde` entry point with its two module-scope constructions marked pure. The routing
 * Lambda's signer (@smithy/signature-v4) imports a few byte helpers from it, and its module scope also
 * builds `Uint8ArrayBlobAdapter` (a class) and `v4` (a UUID generator that reads globalThis.crypto, which
 * loads Node's WebCrypto). The routing Lambda uses neither; marked pure, esbuild drops them when unused and
 * keeps them, built as before, when used: ~0.9 ms of its cold import here
 * (bench/routing.ts: routeCall.coldImportRatio). Generated from the installed file, so it cannot drift
 * from it: when the statements it rewrites change, bundling fails and names them.
 */
export function smithySerdeAlias(): Record<string, string> {
  if (serdeAliasWritten) return serdeAliasWritten;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const serdeDirectory = join(root, 'node_modules/@smithy/core/dist-es/submodules/serde');
  const source = sideEffectFreeSerdeSource(
    readFileSync(join(serdeDirectory, 'index.js'), 'utf8'),
    serdeDirectory,
  );
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(root, 'node_modules', '.cache', `hotline400-smithy-${digest}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'serde.js');
  writeUnlessSame(file, source);
  serdeAliasWritten = { '@smithy/core/serde': file };
  return serdeAliasWritten;
}
let serdeAliasWritten: Record<string, string> | undefined;

/** The statements smithySerdeAlias makes pure, as the installed file writes them, and what they become. */
const SERDE_PURE_REWRITES: readonly (readonly [string, string])[] = [
  [
    'export class Uint8ArrayBlobAdapter extends bindUint8ArrayBlobAdapter(toUtf8, fromUtf8, toBase64, fromBase64) {\n}',
    'export const Uint8ArrayBlobAdapter = /* @__PURE__ */ (() =>\n  class Uint8ArrayBlobAdapter extends bindUint8ArrayBlobAdapter(toUtf8, fromUtf8, toBase64, fromBase64) {})();',
  ],
  [
    'export const v4 = bindV4(_getRandomValues);',
    'export const v4 = /* @__PURE__ */ bindV4(_getRandomValues);',
  ],
];

/** The rewritten entry point; throws when the installed file no longer has what it rewrites. */
export function sideEffectFreeSerdeSource(installed: string, serdeDirectory: string): string {
  let source = installed;
  for (const [from, to] of SERDE_PURE_REWRITES) {
    if (!source.includes(from)) {
      throw new Error(
        `@smithy/core/serde changed: "${from.split('\n')[0]}" is no longer in ${serdeDirectory}/index.js; ` +
          'update SERDE_PURE_REWRITES in infra/bundling.ts',
      );
    }
    source = source.replace(from, to);
  }
  // Relative imports made absolute: the module is written elsewhere.
  return source.replaceAll(
    /from "\.\/([^"]+)"/g,
    (_, path: string) => `from ${JSON.stringify(`${serdeDirectory}/${path}`)}`,
  );
}

/** Writes through a rename, and only when the content differs: a bundling process may be reading the file. */
function writeUnlessSame(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/**
 * The Node.js runtime ships AWS SDK v3; bundling its clients again only slows cold starts. The small,
 * dependency-free utilities (util-dynamodb) are bundled instead: loading them from the runtime's
 * node_modules costs the routing Lambda more than their bytes do.
 */
export const EXTERNAL_SDK_MODULES = ['@aws-sdk/client-*', '@aws-sdk/lib-*', '@aws-sdk/s3-request-presigner'];

/**
 * Where a function's Powertools comes from. `layer`: its official Lambda layer, so API handlers and jobs
 * stay small (the tracer alone bundles the X-Ray SDK with semver and cls-hooked, ~110 KB of a 280 KB API
 * handler). `bundled`: no layer, whatever is imported goes in the bundle, for the functions Amazon Connect
 * waits on, whose cold start matters more than their size (they now import no Powertools at all:
 * shared/runtime/call-telemetry.ts).
 */
export type PowertoolsSource = 'layer' | 'bundled';

/** What a function leaves out of its bundle: the runtime's SDK clients, and Powertools when a layer has it. */
export function externalModules(powertools: PowertoolsSource): string[] {
  return powertools === 'layer'
    ? [...EXTERNAL_SDK_MODULES, '@aws-lambda-powertools/*']
    : [...EXTERNAL_SDK_MODULES];
}

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The Powertools version the code is written and tested against (every package is pinned to it). */
export const POWERTOOLS_VERSION = packageJson.dependencies['@aws-lambda-powertools/logger'] ?? '';

/**
 * The public SSM parameter that names the Powertools layer of exactly that version in the deploying region
 * (documented by Powertools: /aws/service/powertools/typescript/generic/all/{version}); resolved by
 * CloudFormation at deploy time, so synth stays offline.
 */
export const POWERTOOLS_LAYER_PARAMETER = `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`;

/**
 * A port a bundle may leave out: the composition root's ports, the payment providers (runtime/payments.ts)
 * and the work queues' SQS adapter (runtime/work-queues.ts, for the rows infra/catalogue/work-queues.ts names).
 */
export type BundledPort = PortName | 'payments' | 'workQueues';

/** Rows that send to a work queue: its senders, and its worker when it backs off by sending again. */
const WORK_QUEUE_ROWS: ReadonlySet<string> = new Set(
  WORK_QUEUES.flatMap((q) => [...(q.workerRequeues === false ? [] : [q.worker]), ...q.senders]),
);
/** Capabilities whose rows send to a work queue (`notifications`: the notifications queue). */
const WORK_QUEUE_CAPABILITIES: ReadonlySet<Capability> = new Set(
  WORK_QUEUES.flatMap((q) => (q.senderCapability ? [q.senderCapability] : [])),
);

/**
 * The ports a function may reach: those its row's capabilities grant (`notifications` the queued adapter and
 * the work queues' SQS adapter, `messaging` SES and Aliyun), the rate limiter for API routes, the
 * audit trail for API routes that write (any method but GET), and
 * the payment providers for the API routes that call one (and for every other function that imports them:
 * webhooks, payment jobs).
 */
export function portsOf(
  capabilities: readonly Capability[] | undefined,
  kind: 'api' | 'other',
  routeId?: string,
  method?: HttpMethod,
): BundledPort[] {
  const granted: BundledPort[] = kind === 'api' ? ['rateLimiter'] : ['payments'];
  if (kind === 'api' && routeId && PAYMENT_SECRET_ROUTES.has(routeId)) granted.push('payments');
  // Every API write leaves an audit event (shared/http/api-handler.ts); reads and webhooks record none.
  if (kind === 'api' && method !== undefined && method !== 'GET') granted.push('auditTrail');
  if ((routeId && WORK_QUEUE_ROWS.has(routeId)) || capabilities?.some((c) => WORK_QUEUE_CAPABILITIES.has(c)))
    granted.push('workQueues');
  for (const capability of capabilities ?? []) {
    if (
      capability === 'telephony' ||
      capability === 'notifications' ||
      capability === 'messaging' ||
      capability === 'documents' ||
      capability === 'recordings'
    ) {
      granted.push(capability);
    }
    if (capability === 'directory') granted.push('directory');
    if (capability === 'cursors') granted.push('cursorKey');
    if (capability === 'prompts' || capability === 'promptUploads' || capability === 'promptDeletes')
      granted.push('promptAudio');
  }
  return granted;
}

/** The `define` that compiles an API function's own route row into its bundle (shared/http/routes.ts ownRoute). */
export function routeDefines(route: RouteDefinition | undefined): Record<string, string> {
  if (route === undefined) return {};
  return { 'process.env.HOTLINE_ROUTE_ROW': JSON.stringify(JSON.stringify(route)) };
}

/** esbuild `define`s that leave every other port's adapter out of the bundle (shared/runtime/ports.ts). */
export function portDefines(ports: readonly BundledPort[] | undefined): Record<string, string> {
  if (!ports) return {};
  const defines: Record<string, string> = {};
  for (const name of [...PORT_NAMES, 'payments', 'workQueues'] as const) {
    if (!ports.includes(name)) defines[`process.env.${portBundleFlag(name)}`] = '"false"';
  }
  return defines;
}
