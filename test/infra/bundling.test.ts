/**
 * What a deployed function carries: Powertools from its layer of the pinned version, and only the adapters
 * of the ports its row grants (esbuild drops the others, see shared/runtime/ports.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiBundleBytes, lambdaBuildOptions } from '../../bench/bundle.js';
import {
  externalModules,
  POWERTOOLS_LAYER_PARAMETER,
  POWERTOOLS_VERSION,
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
