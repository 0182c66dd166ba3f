/**
 * How a capability plugs into the local runtime (npm start, e2e tests): it can install local adapters,
 * seed demo data and add control routes under /local/*. Control routes exist only locally: the CDK API is
 * built from shared/http/routes.ts and never sees them.
 */
import type { TestClock } from '../../shared/ports/clock.js';
import type { LocalTokenIssuer } from './tokens.js';

export interface ControlRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The request's bytes as sent (uploads that are not JSON). */
  readonly rawBody?: Buffer;
}

export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
}

export interface ControlRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with {param} segments, always under /local/. */
  readonly path: string;
  /** Takes the request's raw bytes of any content type (stand-ins for presigned uploads); else JSON only. */
  readonly rawBody?: boolean;
  readonly handle: (request: ControlRequest, runtime: LocalRuntimeContext) => Promise<ControlResult>;
}

export interface LocalRuntimeContext {
  /** The test clock every handler, job, stream and simulated call sees (PUT /local/clock). */
  readonly clock: TestClock;
  /** http://127.0.0.1:<port> of the embedded DynamoDB engine (with local transactions). */
  readonly dynamoEndpoint: string;
  /** Folder for local files (documents, engine data when on disk). */
  readonly dataDir: string;
  /** Imports a handler module (path relative to the repository root) and returns its `handler`. */
  loadHandler<E = unknown, R = unknown>(entry: string): Promise<(event: E, context: unknown) => Promise<R>>;
  /** The local token issuer (sign-in stand-ins; revoking a removed member's sessions). */
  readonly tokens: LocalTokenIssuer;
  /** A fake Lambda context for invoking handlers in-process. */
  lambdaContext(functionName: string): unknown;
}

export interface LocalCapability {
  readonly name: string;
  /** Install local adapters (usePorts) and any in-process state. Called once, before seeding. */
  setup?(runtime: LocalRuntimeContext): Promise<void>;
  /** Seed realistic demo data into the fresh tables. Must be idempotent (a restart on disk re-seeds). */
  seed?(runtime: LocalRuntimeContext): Promise<void>;
  readonly routes?: readonly ControlRoute[];
}
