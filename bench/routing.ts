/**
 * The routing Lambda's figures (targets: warm p99 ≤ 1.2× one GetItem on the same engine, ≤ 1 database read
 * per call on average, bundle ≤ 150 KB, cold import ≤ 1.5× `node -e 0`).
 *   npx tsx bench/routing.ts     (or through npm run bench)
 * Warm calls use the handler's own cache settings (snapshot 30 s, account 5 s) over a stream of calls to
 * a few numbers; `routeCall.missP99Ms` is the same path with the cache cleared before every call.
 * The bundle is built as CDK's NodejsFunction would (esbuild, ESM, minified, @aws-sdk/* external) and
 * imported by fresh node processes, timed from spawn until the import has resolved (see `timeNode`).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { dynamo } from '../shared/adapters/dynamo/client.js';
import { CallReader } from '../shared/adapters/dynamo/routing-call-reader.js';
import { itemReadsFromEnv } from '../shared/adapters/dynamo/routing-call-reads.js';
import { tableName } from '../shared/config.js';
import { compileRouting, normaliseConfig } from '../shared/domain/routing/config.js';
import { startTestDatabase } from '../test/support/local-dynamo.js';
import { ENTERPRISE_INPUT } from '../test/unit/routing-fixtures.js';
import { bundleLikeLambda, ROOT } from './bundle.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NUMBERS = 20;
const WARM_CALLS = 20_000;
const MISS_CALLS = 1_000;
const GET_ITEMS = 2_000;
// Process starts vary a lot on a shared VM: many interleaved pairs, and the median of their ratios.
const COLD_SAMPLES = 31;
/**
 * What Lambda's Node.js runtime client has loaded before it imports a handler: node:http, by require, for
 * the Runtime API (aws/aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts).
 */
const LAMBDA_RUNTIME_PRELOAD =
  "import { createRequire } from 'node:module'; createRequire(import.meta.url)('node:http');";
/** The least any signed HTTPS read loads: TLS and the hashes. Its start over the bare start is the floor of coldImportRatio. */
const TLS_AND_CRYPTO = "require('node:https'); require('node:crypto');";
/** Every timed script's last statement: the child's monotonic clock, the one process.hrtime reads here too. */
const READY = 'process.stdout.write(String(process.hrtime.bigint()));';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

function event(access: string, caller: string): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: 'bench',
        CustomerEndpoint: { Address: caller, Type: 'TELEPHONE_NUMBER' },
        InitialContactId: 'bench',
        InitiationMethod: 'INBOUND',
        InstanceARN: 'arn:aws:connect:ap-southeast-1:111122223333:instance/bench',
        PreviousContactId: 'bench',
        Queue: null,
        SystemEndpoint: { Address: access, Type: 'TELEPHONE_NUMBER' },
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: { step: 'start' },
    },
  } as unknown as ConnectContactFlowEvent;
}

interface StartTimes {
  /** Spawn until the script's last statement ran: node started and, for a cold import, the bundle loaded. */
  readonly readyMs: number;
  /** Spawn until the process exited. */
  readonly exitMs: number;
}

/**
 * Runs node on a script ending in READY. A cold start is spawn → ready: Lambda imports the handler and goes
 * on to serve calls, its process does not exit. Spawn → exit (what these figures timed until Dec 2026) also
 * counts the teardown, and a process that loaded node:https takes longer to exit than a bare one (0.2–8 ms
 * here: node.tlsExitExtraMs), a cost no call pays.
 */
function timeNode(args: string[], env: NodeJS.ProcessEnv = process.env): StartTimes {
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = process.hrtime.bigint();
  const ready = BigInt(output.toString().trim().split('\n').pop() ?? ''); // after anything the module logged
  return { readyMs: Number(ready - started) / 1e6, exitMs: Number(exited - started) / 1e6 };
}

export async function run(): Promise<Record<string, number>> {
  const db = await startTestDatabase();
  try {
    const routing = compileRouting(
      normaliseConfig({ ...ENTERPRISE_INPUT, defaultDestination: { type: 'hunt' } }),
    );
    for (let i = 0; i < NUMBERS; i++) {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('routing'),
          Item: {
            pk: `ACCESS#+65315800${String(i).padStart(2, '0')}`,
            sk: 'SNAPSHOT',
            number400: `40081234${String(i).padStart(2, '0')}`,
            tenantId: `t${i}`,
            numberStatus: 'active',
            routing,
            routingVersion: 1,
          },
        }),
      );
      await dynamo().send(
        new PutCommand({
          TableName: tableName('ledger'),
          Item: {
            pk: `ACCT#t${i}`,
            sk: 'ACCOUNT',
            balance: 100_000,
            spendDay: '2026-11-25',
            spendToday: 0,
            dailyCap: 50_000,
            status: 'active',
          },
        }),
      );
    }

    // One GetItem on the same engine, same client, same process: the yardstick.
    const getTimes: number[] = [];
    for (let i = 0; i < GET_ITEMS; i++) {
      const started = performance.now();
      await dynamo().send(
        new GetCommand({
          TableName: tableName('routing'),
          Key: { pk: `ACCESS#+65315800${String(i % NUMBERS).padStart(2, '0')}`, sk: 'SNAPSHOT' },
        }),
      );
      getTimes.push(performance.now() - started);
    }
    getTimes.sort((a, b) => a - b);

    // One INFO line per call is right in Lambda; here it would time the terminal, not the decision.
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    const { handler } = await import('../functions/connect/route-call.js');
    const { callReader: reader } = await import('../shared/runtime/route-call.js');
    const context = { functionName: 'routeCall', awsRequestId: 'bench' } as never;
    const routeCall = (e: ConnectContactFlowEvent) => handler(e, context);
    const callers = ['+862161234567', '+861066661234', '+8613910001234', '+862087654321'];
    for (let i = 0; i < 200; i++)
      await routeCall(event(`+65315800${String(i % NUMBERS).padStart(2, '0')}`, callers[i % 4] as string));
    reader.clear();
    const before = reader.requestCount;
    const warm: number[] = [];
    for (let i = 0; i < WARM_CALLS; i++) {
      const started = performance.now();
      await routeCall(event(`+65315800${String(i % NUMBERS).padStart(2, '0')}`, callers[i % 4] as string));
      warm.push(performance.now() - started);
    }
    const readsPerCall = (reader.requestCount - before) / WARM_CALLS;
    warm.sort((a, b) => a - b);
    // Cache misses: a number never seen (GetItem snapshot, then GetItem account) and an expired entry of a
    // known tenant (one BatchGetItem for both), each under the same deadline as in Lambda.
    const miss: number[] = [];
    for (let i = 0; i < MISS_CALLS; i++) {
      reader.clear();
      const started = performance.now();
      await routeCall(event('+6531580000', callers[0] as string));
      miss.push(performance.now() - started);
    }
    miss.sort((a, b) => a - b);
    let elapsedMs = 0;
    const expiring = new CallReader({
      reads: itemReadsFromEnv(),
      routingTable: () => tableName('routing'),
      ledgerTable: () => tableName('ledger'),
      elapsed: () => elapsedMs,
    });
    await expiring.read('+6531580001');
    const batch: number[] = [];
    for (let i = 0; i < MISS_CALLS; i++) {
      elapsedMs += 60_000;
      const started = performance.now();
      await expiring.read('+6531580001');
      batch.push(performance.now() - started);
    }
    batch.sort((a, b) => a - b);

    // As the CDK bundles it: no ports granted, no layer (infra/stacks/stateless-stack.ts).
    const outfile = await bundleLikeLambda('functions/connect/route-call.ts', 'route-call', [], 'bundled');
    const bundleBytes = statSync(outfile).size;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GEO_INDEX_PATH: join(ROOT, 'shared/geo/data/cn-geo.bin'),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_REGION: 'ap-southeast-1',
    };
    // As on Lambda, whose Node.js 20+ runtimes set no NODE_EXTRA_CA_CERTS: a host that sets it (these machines
    // do) would charge every TLS-loading start for parsing its certificates.
    delete env.NODE_EXTRA_CA_CERTS;
    const bare: StartTimes[] = [];
    const runtime: StartTimes[] = [];
    const cold: StartTimes[] = [];
    const tlsAndCrypto: StartTimes[] = [];
    const sdk: StartTimes[] = [];
    const importBundle = `await import(${JSON.stringify(outfile)}); ${READY}`;
    // Interleaved so machine load affects all alike.
    for (let i = 0; i < COLD_SAMPLES; i++) {
      bare.push(timeNode(['-e', READY], env));
      runtime.push(timeNode(['--input-type=module', '-e', `${LAMBDA_RUNTIME_PRELOAD} ${READY}`], env));
      cold.push(timeNode(['--input-type=module', '-e', importBundle], env));
      tlsAndCrypto.push(timeNode(['-e', `${TLS_AND_CRYPTO} ${READY}`], env));
      sdk.push(
        timeNode(
          [
            '--input-type=module',
            '-e',
            `await import('@aws-sdk/client-dynamodb'); await import('@aws-sdk/lib-dynamodb'); ${READY}`,
          ],
          { ...env, NODE_PATH: join(ROOT, 'node_modules') },
        ),
      );
    }
    const ready = (starts: StartTimes[]) => starts.map((start) => start.readyMs);
    // Each start over the bare start measured just before it, the median of those ratios.
    const ratio = (starts: StartTimes[], over: StartTimes[], time: keyof StartTimes = 'readyMs') =>
      round(median(starts.map((start, i) => start[time] / (over[i]?.[time] ?? start[time]))), 2);
    const teardown = (starts: StartTimes[]) => median(starts.map((start) => start.exitMs - start.readyMs));
    return {
      'routeCall.p50Ms': round(percentile(warm, 0.5)),
      'routeCall.p99Ms': round(percentile(warm, 0.99)),
      'routeCall.getItemP50Ms': round(percentile(getTimes, 0.5)),
      'routeCall.getItemP99Ms': round(percentile(getTimes, 0.99)),
      'routeCall.missP99Ms': round(percentile(miss, 0.99)),
      'routeCall.expiredBatchGetP99Ms': round(percentile(batch, 0.99)),
      'routeCall.readsPerCall': round(readsPerCall, 4),
      'routeCall.bundleBytes': bundleBytes,
      'routeCall.coldImportMs': round(median(ready(cold)), 1),
      // The external SDK packages alone (Lambda loads them too): most of the cold import.
      'routeCall.sdkImportMs': round(median(ready(sdk)), 1),
      'node.bareStartMs': round(median(ready(bare)), 1),
      'node.lambdaRuntimeStartMs': round(median(ready(runtime)), 1),
      'routeCall.coldImportRatio': ratio(cold, bare),
      // The same over a process that has loaded what Lambda's runtime client loads before the handler.
      'routeCall.coldImportRatioOverRuntime': ratio(cold, runtime),
      // Spawn → exit, as measured until Dec 2026: teardown included.
      'routeCall.coldImportRatioToExit': ratio(cold, bare, 'exitMs'),
      // node:https and node:crypto alone over the bare start: no signed read can import in less.
      'node.tlsAndCryptoStartMs': round(median(ready(tlsAndCrypto)), 1),
      'node.tlsAndCryptoStartRatio': ratio(tlsAndCrypto, bare),
      // How much longer a process that loaded TLS takes to exit than a bare one.
      'node.tlsExitExtraMs': round(teardown(tlsAndCrypto) - teardown(bare), 1),
    };
  } finally {
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
