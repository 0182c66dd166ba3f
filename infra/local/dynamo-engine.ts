/**
 * The embedded DynamoDB engine for the local runtime and integration tests: dynalite (Apache-2.0) in this
 * process, speaking the DynamoDB wire protocol to the same SDK adapters that run in AWS.
 * TransactWriteItems / TransactGetItems are provided by ./transactions.ts, which is the HTTP front every
 * request goes through (the endpoint returned here).
 */
import { type EngineStats, startFront } from './transactions.js';

export type { EngineStats } from './transactions.js';

export interface EngineOptions {
  /** Folder for on-disk data; in memory when absent. */
  readonly path?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Clock (ms since epoch) for the 10-minute ClientRequestToken window; tests move it. */
  readonly now?: () => number;
}

export interface LocalEngine {
  /** http://127.0.0.1:<port> of the front (also serves GET /__stats and POST /__stats/reset). */
  readonly endpoint: string;
  /** Requests per operation and items written since start or the last reset. */
  stats(): EngineStats;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startEngine(options: EngineOptions = {}): Promise<LocalEngine> {
  const front = await startFront(options);
  return {
    endpoint: front.endpoint,
    stats: () => front.engine.stats(),
    resetStats: () => front.engine.resetStats(),
    close: () => front.close(),
  };
}
