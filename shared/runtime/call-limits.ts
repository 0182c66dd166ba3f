/**
 * The receiving end of the call limits (the stop-contact Lambda): the SQS and Connect adapter, built once
 * per process on first use; tests and the local runtime install their own with `usePendingStops`.
 * (The arming end is the `callLimits` port of ./ports.ts.) `stoppedCalls` finds a call's contact record, which
 * cancels its stop.
 */
import { DynamoCalls } from '../adapters/dynamo/call-queries.js';
import type { PendingStopsPort } from '../ports/call-limits.js';
import type { CallLookupPort } from '../ports/calls.js';

let installed: PendingStopsPort | undefined;
let built: Promise<PendingStopsPort> | undefined;

export function usePendingStops(stops: PendingStopsPort | undefined): void {
  installed = stops;
  built = undefined;
}

export function pendingStops(): Promise<PendingStopsPort> {
  if (installed) return Promise.resolve(installed);
  built ??= import('../adapters/sqs/call-limits-from-env.js').then((m) => m.createPendingStopsFromEnv());
  // A failed build (say, a missing variable) is not kept: the next message tries again.
  built.catch(() => {
    built = undefined;
  });
  return built;
}

/** Call records by contact id (the ledger table): a call with a record has ended and is not stopped. */
export const stoppedCalls: CallLookupPort = new DynamoCalls();
