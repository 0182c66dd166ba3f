/**
 * Assembles the local runtime: the embedded engine (with local transactions), the tables from their one
 * definition, each capability's local adapters and seed data, and the HTTP front. Used by `npm start`
 * (./main.ts) and by the e2e tests (test/support/local-api.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import './local-env.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setDynamo } from '../../shared/adapters/dynamo/client.js';
import { TestClock } from '../../shared/ports/clock.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { JOBS } from '../function-catalogue.js';
import { createTables, tableEnvironment } from './bootstrap.js';
import { CAPABILITIES } from './capabilities/index.js';
import type { ControlRoute, LocalCapability, LocalRuntimeContext } from './capability.js';
import { startEngine } from './dynamo-engine.js';
import { startHttpServer } from './http-server.js';
import { isRole, LocalTokenIssuer, TokenRefused } from './tokens.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface LocalRuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  /** Keep the engine's data on disk in this folder; in memory when absent. */
  readonly persistDir?: string;
  /** Folder for local files (uploaded documents); defaults to .local-data/ or a temp-like folder per run. */
  readonly dataDir?: string;
  readonly seed?: boolean;
  /** Override the capability list (tests). */
  readonly capabilities?: readonly LocalCapability[];
  /** Start with the test clock frozen at this instant (tests, replays); real time when absent. */
  readonly clockAt?: string;
}

export interface LocalRuntime {
  readonly url: string;
  readonly port: number;
  readonly dynamoEndpoint: string;
  readonly context: LocalRuntimeContext;
  readonly tokens: LocalTokenIssuer;
  stop(): Promise<void>;
}

function fakeLambdaContext(functionName: string) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function jobRoutes(tokens: LocalTokenIssuer): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/local/tokens',
      handle: async ({ body }) => {
        const request = (body ?? {}) as {
          tenantId?: unknown;
          roles?: unknown;
          subject?: unknown;
          email?: unknown;
        };
        const roles = Array.isArray(request.roles) ? request.roles : ['tenant-admin'];
        if (roles.length === 0 || !roles.every(isRole)) {
          return {
            status: 400,
            body: {
              error: {
                code: 'invalid_roles',
                message: 'roles: one or more of tenant-admin, tenant-viewer, operator',
                field: 'roles',
              },
            },
          };
        }
        const tenantId = request.tenantId;
        if (
          tenantId !== undefined &&
          (typeof tenantId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenantId))
        ) {
          return {
            status: 400,
            body: {
              error: {
                code: 'invalid_tenant',
                message: 'tenantId: lowercase letters, digits and dashes',
                field: 'tenantId',
              },
            },
          };
        }
        if (tenantId === undefined && roles.some((r) => r !== 'operator')) {
          return {
            status: 400,
            body: {
              error: { code: 'tenant_required', message: 'tenant roles need a tenantId', field: 'tenantId' },
            },
          };
        }
        let token: string;
        try {
          token = await tokens.issue({
            tenantId: tenantId as string | undefined,
            roles,
            subject: typeof request.subject === 'string' ? request.subject : undefined,
            email: typeof request.email === 'string' ? request.email : undefined,
          });
        } catch (error) {
          if (!(error instanceof TokenRefused)) throw error;
          return { status: 403, body: { error: { code: 'user_disabled', message: error.message } } };
        }
        return { status: 201, body: { token, tokenType: 'Bearer', expiresIn: 12 * 3600 } };
      },
    },
    {
      method: 'GET',
      path: '/local/jobs',
      handle: async () => ({
        status: 200,
        body: {
          jobs: JOBS.map((j) => ({
            name: j.name,
            schedule: j.schedule,
            timeZone: j.timeZone,
            description: j.description,
          })),
        },
      }),
    },
    {
      method: 'POST',
      path: '/local/jobs/{name}',
      handle: async ({ params, body }, context) => {
        const job = JOBS.find((j) => j.name === params.name);
        if (!job)
          return {
            status: 404,
            body: { error: { code: 'job_not_found', message: `no job ${params.name}`, field: 'name' } },
          };
        const at = (body as { at?: unknown } | undefined)?.at;
        if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) {
          return {
            status: 400,
            body: { error: { code: 'invalid_instant', message: 'at: an ISO-8601 instant', field: 'at' } },
          };
        }
        const instant = new Date(typeof at === 'string' ? at : context.clock.now()).toISOString();
        const handler = await context.loadHandler<{ at: string }, unknown>(job.entry);
        const result = await handler({ at: instant }, context.lambdaContext(job.id));
        return { status: 200, body: { job: job.name, at: instant, result: result ?? null } };
      },
    },
    ...clockRoutes(),
    { method: 'GET', path: '/local/health', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
  ];
}

const invalidInstant = (message: string) => ({
  status: 400,
  body: { error: { code: 'invalid_instant', message, field: 'now' } },
});

/**
 * The test clock, like Stripe's test clocks: PUT sets the instant every handler, job, stream and simulated
 * call sees (it only moves forward), DELETE returns to real time, GET says which clock is in force.
 */
function clockRoutes(): ControlRoute[] {
  const describe = (clock: TestClock) => ({
    now: clock.now().toISOString(),
    mode: clock.frozen ? 'test' : 'real',
  });
  return [
    {
      method: 'GET',
      path: '/local/clock',
      handle: async (_, { clock }) => ({ status: 200, body: describe(clock) }),
    },
    {
      method: 'PUT',
      path: '/local/clock',
      handle: async ({ body }, { clock }) => {
        const now = (body as { now?: unknown } | undefined)?.now;
        if (typeof now !== 'string' || Number.isNaN(Date.parse(now)) || !/T.*(Z|[+-]\d\d:?\d\d)$/.test(now)) {
          return invalidInstant('now: an ISO-8601 instant with its offset, e.g. 2026-11-26T04:00:00Z');
        }
        try {
          clock.set(now);
        } catch (error) {
          return {
            status: 409,
            body: { error: { code: 'clock_backwards', message: (error as Error).message, field: 'now' } },
          };
        }
        return { status: 200, body: describe(clock) };
      },
    },
    {
      method: 'DELETE',
      path: '/local/clock',
      handle: async (_, { clock }) => {
        try {
          clock.release();
        } catch (error) {
          return {
            status: 409,
            body: { error: { code: 'clock_backwards', message: (error as Error).message } },
          };
        }
        return { status: 200, body: describe(clock) };
      },
    },
  ];
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
  const engine = await startEngine(options.persistDir ? { path: options.persistDir } : {});
  const prefix = 'hotline400-';
  const dataDir = options.dataDir ?? resolve(REPO_ROOT, '.local-data', 'files');
  mkdirSync(dataDir, { recursive: true });

  // Same variables the CDK sets on functions, pointed at the local engine.
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'cn-local-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
    HOTLINE_RUNTIME: 'local',
    ...tableEnvironment(prefix),
  });
  delete process.env.AWS_PROFILE;
  setDynamo(undefined);
  resetPorts();
  const clock = new TestClock(options.clockAt);
  useClock(clock);
  // A cursor-signing key of this runtime's own: cursors from an earlier run are stale by design.
  usePorts({ cursorKey: { key: randomBytes(32) } });

  const client = new DynamoDBClient({ endpoint: engine.endpoint });
  await createTables(client, prefix);
  client.destroy();

  const modules = new Map<
    string,
    Promise<{ handler: (event: unknown, context: unknown) => Promise<unknown> }>
  >();
  const tokens = new LocalTokenIssuer();
  const context: LocalRuntimeContext = {
    clock,
    tokens,
    dynamoEndpoint: engine.endpoint,
    dataDir,
    loadHandler: async <E, R>(entry: string) => {
      let loaded = modules.get(entry);
      if (!loaded) {
        loaded = import(pathToFileURL(resolve(REPO_ROOT, entry)).href);
        modules.set(entry, loaded);
      }
      const mod = await loaded;
      if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
      return mod.handler as (event: E, context: unknown) => Promise<R>;
    },
    lambdaContext: fakeLambdaContext,
  };

  const capabilities = options.capabilities ?? CAPABILITIES;
  for (const capability of capabilities) await capability.setup?.(context);
  if (options.seed ?? true) for (const capability of capabilities) await capability.seed?.(context);

  const controlRoutes = [...jobRoutes(tokens), ...capabilities.flatMap((c) => c.routes ?? [])];
  const server = await startHttpServer({ port: options.port, tokens, context, controlRoutes });

  return {
    url: server.url,
    port: server.port,
    dynamoEndpoint: engine.endpoint,
    context,
    tokens,
    stop: async () => {
      await server.close();
      await engine.close();
      setDynamo(undefined);
      resetPorts();
    },
  };
}
