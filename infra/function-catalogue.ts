/**
 * Functions that are not HTTP routes: the Connect routing Lambda, the contact-record stream consumer and
 * the scheduled jobs. The stateless stack creates one function per row; the local runtime reads JOBS to
 * serve POST /local/jobs/{name}. (HTTP functions come from shared/http/routes.ts.)
 */
import type { Capability, TableAccess } from '../shared/http/routes.js';
import type { TableId } from '../shared/tables.js';

export interface FunctionRow {
  readonly id: string;
  /** Module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities?: readonly Capability[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly description: string;
}

export interface JobRow extends FunctionRow {
  /** Job name used by POST /local/jobs/{name} and in logs. */
  readonly name: string;
  /** EventBridge Scheduler cron expression, evaluated in `timeZone`. */
  readonly schedule: string;
  readonly timeZone: string;
}

/** The routing Lambda the generic contact flow invokes (see functions/connect/route-call.ts). */
export const ROUTE_CALL: FunctionRow | undefined = undefined;

/** The Kinesis consumer of Connect contact records (see functions/streams/ctr-ingest.ts). */
export const CTR_INGEST: FunctionRow | undefined = undefined;

/** Scheduled jobs; each handler takes `{ at?: string }` (the scheduled instant) and is safe to run twice. */
export const JOBS: readonly JobRow[] = [];
