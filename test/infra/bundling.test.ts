/**
 * What a deployed function carries: Powertools from its layer of the pinned version, and only the adapters
 * of the ports its row grants (esbuild drops the others, see shared/runtime/ports.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiBundleBytes, lambdaBuildOptions } from '../../bench/bundle.js';
import {
  builtinAliases,
  externalModules,
  POWERTOOLS_LAYER_PARAMETER,
  POWERTOOLS_VERSION,
  PROTOTYPE_WRAPPED_BUILTINS,
  portDefines,
  portsOf,
  routeDefines,
} from '../../infra/bundling.js';
import { REPOSITORY_ROOT } from '../../infra/constructs/hotline-function.js';
import { ownRoute, type RouteDefinition, routeById } from '../../shared/http/routes.js';
import { buildTestApp } from './support/hotline-app.js';
import { resourcesIn } from './support/template-queries.js';

/** The repository modules an entry's bundle holds, bundled as the CDK bundles it. */
async function bundledModules(
  entry: string,
  ports: Parameters<typeof portDefines>[0],
  route?: RouteDefinition,
): Promise<string[]> {
  const result = await build({
    entryPoints: [join(REPOSITORY_ROOT, entry)],
    absWorkingDir: REPOSITORY_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    // As the CDK bundles: minified, which also folds the defines' constant branches.
    minify: true,
    metafile: true,
    external: externalModules('layer'),
    define: { ...portDefines(ports), ...routeDefines(route) },
    logLevel: 'silent',
  });
  // What the output holds: a module parsed but tree-shaken away contributes no bytes.
  return Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
}

describe('bundles', () => {
  it('leave out the adapters of ports the row does not grant', async () => {
    const suspend = routeById('suspendNumber');
    const granted = await bundledModules(
      suspend.entry,
      portsOf(suspend.capabilities, 'api', suspend.id, suspend.method),
    );
    const everything = await bundledModules(suspend.entry, undefined);
    const adapters = [
      'shared/adapters/s3/',
      'shared/adapters/connect/',
      'shared/adapters/messaging/from-env.ts',
      'shared/adapters/messaging/ses-email.ts',
      'shared/adapters/messaging/aliyun-sms.ts',
      'node_modules/@alicloud/',
    ];
    for (const adapter of adapters) {
      expect(
        everything.some((m) => m.includes(adapter)),
        adapter,
      ).toBe(true);
      expect(
        granted.some((m) => m.includes(adapter)),
        adapter,
      ).toBe(false);
    }
    expect(granted).toContain('shared/adapters/dynamo/rate-limits.ts');
    // It notifies: it hands notifications to the notifications queue; the notifier alone holds SES and Aliyun.
    expect(granted).toContain('shared/adapters/messaging/queued-notifications.ts');
    expect(granted).toContain('shared/adapters/sqs/work-queue.ts');
  });

  it('keep a small API handler small: suspend, which runs the lifecycle and its effects, ≤ 120,000 bytes', async () => {
    // Issue 12's target (≤ 120 KB), bundled as the bench bundles it. A store, adapter or table definition it
    // never uses (a class bundles whole) is what pushed it over before (123,716 B).
    expect(await apiBundleBytes(routeById('suspendNumber'))).toBeLessThanOrEqual(120_000);
  });

  it('take Node built-ins as require would, never by an ES import, keep the routing Lambda ASCII, and still run', async () => {
    // An ES import of node:http builds its module view by reading every export, and the lazy getters load
    // undici (~60 ms of a payment route's cold start); builtinAliases sends each built-in to process.getBuiltinModule.
    const esImportOfBuiltin = new RegExp(
      `(?:\\bfrom\\s*|\\bimport\\s*\\(?\\s*)["'](?:node:[\\w/]+|${builtinModules.join('|')})["']`,
    );
    const payments = routeById('createPaymentOrder');
    const bundles = {
      routeCall: lambdaBuildOptions('functions/connect/route-call.ts', 'route-call.mjs', [], 'bundled'),
      createPaymentOrder: lambdaBuildOptions(
        payments.entry,
        'create-payment-order.mjs',
        portsOf(payments.capabilities, 'api', payments.id, payments.method),
        'layer',
        payments,
      ),
    };
    const texts: Record<string, string> = {};
    for (const [name, options] of Object.entries(bundles)) {
      const { outputFiles } = await build({ ...options, write: false });
      texts[name] = outputFiles.map((file) => file.text).join('\n');
      expect(texts[name], name).not.toMatch(esImportOfBuiltin);
      expect(texts[name], name).toContain('process.getBuiltinModule("node:');
    }
    // The same check finds the imports when the aliases are left out: it can fail.
    const { outputFiles } = await build({ ...bundles.routeCall, alias: {}, write: false });
    expect(outputFiles[0]?.text).toMatch(esImportOfBuiltin);

    // ASCII only: one other character and V8 holds the whole source as a two-byte string (twice the young
    // heap at the cold import). A regex literal is where esbuild leaves them (shared/domain/routing/regions.ts).
    expect([...(texts.routeCall ?? '')].filter((char) => char.charCodeAt(0) > 0x7f)).toEqual([]);

    // The routing bundle loads and answers a malformed event with the fallback, as deployed.
    const dir = mkdtempSync(join(tmpdir(), 'route-call-'));
    const file = join(dir, 'index.mjs');
    writeFileSync(file, texts.routeCall ?? '');
    const answer = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { handler } = await import(${JSON.stringify(file)}); console.log(JSON.stringify(await handler(undefined)))`,
      ],
      {
        env: {
          ...process.env,
          GEO_INDEX_PATH: join(REPOSITORY_ROOT, 'shared/geo/data/cn-geo.bin'),
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
    );
    expect(JSON.parse(answer.toString())).toMatchObject({ action: 'message', fallback: 'true' });
  });

  it("import the routing Lambda without copying a built-in's exports, one getter per export", async () => {
    // esbuild's __toESM defines a getter for every own property of what an aliased built-in's require returns
    // (crypto 77, fs 108, …). The probe records every getter defined during the import that hands out a
    // property of a built-in the bundle takes: none, now that the wrapped built-ins own no properties.
    const routeCall = lambdaBuildOptions('functions/connect/route-call.ts', 'route-call.mjs', [], 'bundled');
    const copied = async (alias: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'route-call-copies-'));
      const file = join(dir, 'index.mjs');
      const { outputFiles } = await build({ ...routeCall, alias, write: false });
      writeFileSync(file, outputFiles[0]?.text ?? '');
      const probe = `
        const builtins = ['crypto', 'fs', 'http', 'https', 'url'].map((name) => process.getBuiltinModule('node:' + name));
        const copies = new Set();
        const defineProperty = Object.defineProperty;
        Object.defineProperty = (target, key, descriptor) => {
          for (const builtin of builtins) {
            if (descriptor?.get && Object.hasOwn(builtin, key)) {
              try { if (descriptor.get() === builtin[key]) copies.add(key); } catch {}
            }
          }
          return defineProperty(target, key, descriptor);
        };
        await import(${JSON.stringify(file)});
        console.log(JSON.stringify([...copies]));`;
      const out = execFileSync(process.execPath, ['--no-deprecation', '--input-type=module', '-e', probe], {
        env: {
          ...process.env,
          GEO_INDEX_PATH: join(REPOSITORY_ROOT, 'shared/geo/data/cn-geo.bin'),
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      });
      return JSON.parse(out.toString()) as string[];
    };
    expect(await copied(builtinAliases())).toEqual([]);
    // The same probe over aliases that hand out the built-ins themselves finds the copies: it can fail.
    const plainDir = mkdtempSync(join(tmpdir(), 'plain-builtins-'));
    const plain: Record<string, string> = {};
    for (const [builtin, file] of Object.entries(builtinAliases())) {
      const plainFile = join(plainDir, file.slice(file.lastIndexOf('/') + 1));
      const name = builtin.startsWith('node:') ? builtin : `node:${builtin}`;
      writeFileSync(plainFile, `module.exports = process.getBuiltinModule(${JSON.stringify(name)});\n`);
      plain[builtin] = plainFile;
    }
    const plainCopies = await copied(plain);
    expect(plainCopies).toContain('createHash');
    expect(plainCopies).toContain('readFileSync');
    expect(plainCopies.length).toBeGreaterThan(50);
  });

  it('hand wrapped built-ins out to every import style, and leave function-valued built-ins and globals as they are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'builtin-imports-'));
    // sha256("a"), by hand from any sha256 tool.
    const sha256OfA = 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb';
    // An .mjs file is in Node mode for esbuild's interop; a .js file with no package.json "type" above it
    // is not (ES packages bundled through their `module` field, such as @smithy/*, are of that kind).
    writeFileSync(
      join(dir, 'node-mode.mjs'),
      `import { createHash } from 'node:crypto';
       import crypto from 'node:crypto';
       import * as cryptoNamespace from 'crypto';
       import { join } from 'node:path';
       import { EventEmitter } from 'node:events';
       import process from 'node:process';
       const hash = (f) => f('sha256').update('a').digest('hex');
       export const nodeMode = {
         named: hash(createHash),
         defaultImport: hash(crypto.createHash),
         namespace: hash(cryptoNamespace.createHash),
         namespaceDefault: hash(cryptoNamespace.default.createHash),
         path: join('a', 'b'),
         emitter: typeof new EventEmitter().on,
         processOn: process.on('hotline-probe', () => {}) === process,
       };`,
    );
    mkdirSync(join(dir, 'plain'));
    writeFileSync(join(dir, 'plain', 'package.json'), '{}');
    writeFileSync(
      join(dir, 'plain', 'not-node-mode.js'),
      `import crypto from 'crypto';
       import * as fsNamespace from 'fs';
       import { createHash } from 'node:crypto';
       export const notNodeMode = {
         defaultImport: crypto.createHash('sha256').update('a').digest('hex'),
         named: createHash('sha256').update('a').digest('hex'),
         namespace: typeof fsNamespace.readFileSync,
       };`,
    );
    // CommonJS, and TypeScript's own interop helpers as the Aliyun SDKs ship them (they copy own properties).
    writeFileSync(
      join(dir, 'interop.cjs'),
      `var __importStar = function (mod) {
         if (mod && mod.__esModule) return mod;
         var result = {};
         if (mod != null) for (var k in mod) if (k !== 'default' && Object.prototype.hasOwnProperty.call(mod, k)) result[k] = mod[k];
         result.default = mod;
         return result;
       };
       var __importDefault = function (mod) { return mod && mod.__esModule ? mod : { default: mod }; };
       const crypto = require('crypto');
       const os = __importStar(require('os'));
       const querystring = __importDefault(require('node:querystring'));
       class Emitter extends require('events') {}
       module.exports = {
         required: crypto.createHash('sha256').update('a').digest('hex'),
         importStar: typeof os.homedir(),
         importDefault: querystring.default.stringify({ a: 1 }),
         wrapped: require('node:crypto') !== process.getBuiltinModule('node:crypto')
           && Object.getPrototypeOf(require('crypto')) === process.getBuiltinModule('node:crypto'),
         subclass: new Emitter().emit('x') === false,
         eventsItself: require('events') === process.getBuiltinModule('node:events'),
         streamItself: require('stream') === process.getBuiltinModule('node:stream'),
         consoleItself: require('console') === process.getBuiltinModule('node:console'),
       };`,
    );
    writeFileSync(
      join(dir, 'entry.mjs'),
      `import { nodeMode } from './node-mode.mjs';
       import { notNodeMode } from './plain/not-node-mode.js';
       import interop from './interop.cjs';
       console.log(JSON.stringify({ nodeMode, notNodeMode, interop }));`,
    );
    const outfile = join(dir, 'out.mjs');
    await build({
      ...lambdaBuildOptions('functions/connect/route-call.ts', outfile, [], 'bundled'),
      entryPoints: [join(dir, 'entry.mjs')],
    });
    expect(readFileSync(outfile, 'utf8')).toContain('Object.create(');
    const out = JSON.parse(execFileSync(process.execPath, [outfile]).toString());
    expect(out).toEqual({
      nodeMode: {
        named: sha256OfA,
        defaultImport: sha256OfA,
        namespace: sha256OfA,
        namespaceDefault: sha256OfA,
        path: 'a/b',
        emitter: 'function',
        processOn: true,
      },
      notNodeMode: { defaultImport: sha256OfA, named: sha256OfA, namespace: 'function' },
      interop: {
        required: sha256OfA,
        importStar: 'string',
        importDefault: 'a=1',
        wrapped: true,
        subclass: true,
        eventsItself: true,
        streamItself: true,
        consoleItself: true,
      },
    });
  });

  it('wrap only built-ins that are plain objects, never a function-valued module or a global', () => {
    for (const name of PROTOTYPE_WRAPPED_BUILTINS) {
      expect(builtinModules, name).toContain(name);
      expect(typeof process.getBuiltinModule(`node:${name}`), name).toBe('object');
    }
    for (const name of ['events', 'stream', 'assert', 'module', 'test', 'process', 'console']) {
      expect(PROTOTYPE_WRAPPED_BUILTINS.has(name), name).toBe(false);
    }
    const aliases = builtinAliases();
    expect(readFileSync(aliases['node:events'] as string, 'utf8')).toBe(
      'module.exports = process.getBuiltinModule("node:events");\n',
    );
    expect(readFileSync(aliases.crypto as string, 'utf8')).toContain('Object.create(m,');
    expect(aliases.crypto).toBe(aliases['node:crypto']);
  });

  it("compile an API function's own route row in, and leave the route table out", async () => {
    const suspend = routeById('suspendNumber');
    const ports = portsOf(suspend.capabilities, 'api', suspend.id, suspend.method);
    const tableModules = (modules: string[]) => modules.filter((m) => m.startsWith('shared/http/routes/'));
    expect(tableModules(await bundledModules(suspend.entry, ports))).toHaveLength(6);
    expect(tableModules(await bundledModules(suspend.entry, ports, suspend))).toEqual([]);
    expect(JSON.parse(JSON.parse(routeDefines(suspend)['process.env.HOTLINE_ROUTE_ROW'] as string))).toEqual(
      suspend,
    );
    // Unbundled, a handler's row is looked up; a bundle built for another route refuses to serve.
    expect(ownRoute('suspendNumber')).toBe(suspend);
    process.env.HOTLINE_ROUTE_ROW = JSON.stringify(routeById('resumeNumber'));
    try {
      expect(() => ownRoute('suspendNumber')).toThrow('bundled for route resumeNumber, not suspendNumber');
    } finally {
      delete process.env.HOTLINE_ROUTE_ROW;
    }
  });

  it('give the notifier the messaging adapters, and not the queue it consumes', async () => {
    const ports = portsOf(['messaging'], 'other', 'notifier');
    expect(ports).toEqual(['payments', 'messaging']);
    const modules = await bundledModules('functions/jobs/notifier.ts', ports);
    expect(modules).toContain('shared/adapters/messaging/from-env.ts');
    expect(modules.some((m) => m.includes('node_modules/@alicloud/dysmsapi20170525/'))).toBe(true);
    expect(modules).not.toContain('shared/adapters/messaging/queued-notifications.ts');
    expect(modules).not.toContain('shared/adapters/sqs/work-queue.ts');
  });

  it('grant API routes the rate limiter, and capabilities their ports', () => {
    expect(portsOf(['telephony', 'jobs'], 'api')).toEqual(['rateLimiter', 'telephony']);
    expect(portDefines(['rateLimiter'])).toEqual({
      'process.env.HOTLINE_PORT_TELEPHONY': '"false"',
      'process.env.HOTLINE_PORT_NOTIFICATIONS': '"false"',
      'process.env.HOTLINE_PORT_MESSAGING': '"false"',
      'process.env.HOTLINE_PORT_DOCUMENTS': '"false"',
      'process.env.HOTLINE_PORT_PROMPTAUDIO': '"false"',
      'process.env.HOTLINE_PORT_CALLLIMITS': '"false"',
      'process.env.HOTLINE_PORT_DIRECTORY': '"false"',
      'process.env.HOTLINE_PORT_AUDITTRAIL': '"false"',
      'process.env.HOTLINE_PORT_CURSORKEY': '"false"',
      'process.env.HOTLINE_PORT_PAYMENTS': '"false"',
      'process.env.HOTLINE_PORT_RECORDINGS': '"false"',
      'process.env.HOTLINE_PORT_WORKQUEUES': '"false"',
    });
    expect(portsOf(['recordings'], 'api')).toEqual(['rateLimiter', 'recordings']);
    // The prompts bucket's adapter only where the row names `prompts` (prompt routes, the apply worker).
    expect(portsOf(['prompts'], 'api')).toEqual(['rateLimiter', 'promptAudio']);
    expect(portsOf(['promptUploads'], 'api')).toEqual(['rateLimiter', 'promptAudio']);
    // Writes append audit events; reads and webhooks do not. Members' writes reach the user pool.
    expect(portsOf(['directory'], 'api', 'removeMember', 'DELETE')).toEqual([
      'rateLimiter',
      'auditTrail',
      'directory',
    ]);
    expect(portsOf(undefined, 'api', 'listMembers', 'GET')).toEqual(['rateLimiter']);
    // The senders and workers of a work queue (infra/catalogue/work-queues.ts) bundle its SQS adapter.
    expect(portsOf(['notifications'], 'api', 'decideApplication')).toContain('workQueues');
    expect(portsOf(['telephony'], 'other', 'routingApplyWorker')).toContain('workQueues');
    expect(portsOf(undefined, 'api', 'suspendNumber')).not.toContain('workQueues');
    // Notifying means handing over to the notifications queue; only `messaging` bundles SES and Aliyun.
    expect(portsOf(['notifications'], 'api', 'suspendNumber')).toEqual([
      'rateLimiter',
      'workQueues',
      'notifications',
    ]);
    expect(portsOf(['notifications'], 'other', 'ctrIngest')).not.toContain('messaging');
    // Only paging routes bundle the cursor key's Secrets Manager reader.
    expect(portsOf(['cursors'], 'api')).toEqual(['rateLimiter', 'cursorKey']);
    // Only the routes that call a payment provider bundle the providers; other functions may import them.
    expect(portsOf(undefined, 'api', 'createPaymentOrder')).toContain('payments');
    expect(portsOf(undefined, 'api', 'listPaymentOrders')).not.toContain('payments');
    expect(portsOf(undefined, 'other')).toEqual(['payments']);
    expect(portDefines(undefined)).toEqual({});
  });

  it('leave Powertools to its layer, of the one version every Powertools package is pinned to', () => {
    expect(externalModules('layer')).toContain('@aws-lambda-powertools/*');
    expect(externalModules('bundled')).not.toContain('@aws-lambda-powertools/*');
    const pkg = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const powertools = Object.entries(pkg.dependencies).filter(([name]) =>
      name.startsWith('@aws-lambda-powertools/'),
    );
    expect(powertools.length).toBeGreaterThan(0);
    for (const [name, version] of powertools) expect(version, name).toBe(POWERTOOLS_VERSION);
    expect(POWERTOOLS_LAYER_PARAMETER).toBe(
      `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`,
    );
  });

  it('every function but those Connect waits on runs with the Powertools layer resolved from that SSM parameter', () => {
    const built = buildTestApp();
    const templates = [built.statefulTemplate, ...built.statelessTemplates];
    const functions = resourcesIn(templates, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(3);
    const routeCall = built.stateless.functions.get('routeCall')?.function;
    const routeCallId = routeCall ? built.logicalIdOf(routeCall) : undefined;
    expect(routeCallId).toBeDefined();
    for (const [id, fn] of functions) {
      const layers = fn.Properties?.Layers as { Ref: string }[] | undefined;
      if (id === routeCallId) {
        // Its cold start counts (Connect waits on it): Powertools is bundled, no layer to load.
        expect(layers ?? [], id).toEqual([]);
        continue;
      }
      expect(layers, id).toHaveLength(1);
      const template = templates.find((t) => id in (t.toJSON().Resources ?? {}));
      const parameter = template?.toJSON().Parameters?.[layers?.[0]?.Ref ?? ''];
      expect(parameter, id).toEqual({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: POWERTOOLS_LAYER_PARAMETER,
      });
    }
  });
});
