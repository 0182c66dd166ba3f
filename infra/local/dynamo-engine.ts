/**
 * The embedded DynamoDB engine for the local runtime and integration tests: dynalite (Apache-2.0) in this
 * process, speaking the DynamoDB wire protocol to the same SDK adapters that run in AWS.
 * TransactWriteItems / TransactGetItems are provided by ./transactions.ts in front of it.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EngineOptions {
  /** Folder for on-disk data; in memory when absent. */
  readonly path?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

export interface LocalEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startEngine(options: EngineOptions = {}): Promise<LocalEngine> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
