/**
 * The embedded engine (dynalite + local transactions) in a child process, for benchmarks that keep the
 * engine's CPU out of their own measurements.
 *
 *   const engine = await startEngineProcess();   // forks `node --import tsx infra/local/engine-process.ts`
 *   ... point clients at engine.endpoint ...
 *   await engine.stats(); await engine.resetStats(); await engine.stop();
 *
 * Run directly (`node --import tsx infra/local/engine-process.ts [--path DIR] [--port N]`), it prints the
 * endpoint as its first stdout line and serves until SIGINT/SIGTERM. Forked, it reports the endpoint over
 * IPC instead and stops on a `{ type: 'stop' }` message or when the parent goes away.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type EngineStats, startEngine } from './dynamo-engine.js';

export interface EngineProcessOptions {
  /** Folder for on-disk data; in memory when absent. */
  readonly path?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

export interface EngineProcess {
  /** http://127.0.0.1:<port> of the engine in the child. */
  readonly endpoint: string;
  readonly pid: number;
  /** The child's counters (GET /__stats). */
  stats(): Promise<EngineStats>;
  /** POST /__stats/reset. */
  resetStats(): Promise<void>;
  /** Closes the engine cleanly and waits for the child to exit. */
  stop(): Promise<void>;
}

interface ReadyMessage {
  readonly type: 'ready';
  readonly endpoint: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

function isReady(message: unknown): message is ReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as ReadyMessage).type === 'ready' &&
    typeof (message as ReadyMessage).endpoint === 'string'
  );
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

export async function startEngineProcess(options: EngineProcessOptions = {}): Promise<EngineProcess> {
  const args = [
    ...(options.path ? ['--path', options.path] : []),
    ...(options.port !== undefined ? ['--port', String(options.port)] : []),
  ];
  const child = fork(THIS_FILE, args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((ready, fail) => {
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`engine process exited before it was ready (code ${code}, signal ${signal})`));
    child.once('error', fail);
    child.once('exit', onExit);
    child.on('message', function onMessage(message) {
      if (!isReady(message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', fail);
      ready(message.endpoint);
    });
  });
  // The engine must not outlive its parent, nor keep the parent's event loop alive on its own.
  child.unref();
  child.channel?.unref();

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    pid: child.pid ?? -1,
    stats: async () => {
      const response = await fetch(`${endpoint}/__stats`);
      if (!response.ok) throw new Error(`engine stats: HTTP ${response.status}`);
      return (await response.json()) as EngineStats;
    },
    resetStats: async () => {
      const response = await fetch(`${endpoint}/__stats/reset`, { method: 'POST' });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`engine stats reset: HTTP ${response.status}`);
    },
    stop: () => {
      stopping ??= (async () => {
        const done = exited(child);
        child.ref();
        if (child.connected) child.send({ type: 'stop' });
        else child.kill('SIGTERM');
        await done;
      })();
      return stopping;
    },
  };
}

/** The child: start the engine and announce it. */
async function serve(): Promise<void> {
  const { values } = parseArgs({
    options: { path: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  const engine = await startEngine({
    ...(values.path ? { path: values.path } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    engine.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('engine close failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.send) {
    process.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type === 'stop') stop();
    });
    process.once('disconnect', stop);
    process.send({ type: 'ready', endpoint: engine.endpoint } satisfies ReadyMessage);
  } else {
    process.stdout.write(`${engine.endpoint}\n`);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
