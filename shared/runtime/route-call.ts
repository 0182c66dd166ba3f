/**
 * The routing Lambda's composition root, apart from ./routing.ts on purpose: Connect waits on this
 * function, so it loads only its reader (signed DynamoDB reads without the SDK client) and the geo index,
 * never the document client or the other routing stores.
 */
import { callerRegionLookup, warmCallerRegions } from '../adapters/connect/caller-region.js';
import { CallReader } from '../adapters/dynamo/routing-call-reader.js';
import { itemReadsFromEnv } from '../adapters/dynamo/routing-call-reads.js';
import type { RouteCallDeps } from '../app/routing/route-call.js';
import { tableName } from '../config.js';

/** Loads the caller-region index now (Lambda's init phase pays for it, not the first call). */
export const warmRegions = warmCallerRegions;

/** One reader per warm Lambda: its cache is what keeps calls at under one database read on average. */
export const callReader = new CallReader({
  reads: itemReadsFromEnv(),
  routingTable: () => tableName('routing'),
  ledgerTable: () => tableName('ledger'),
  deadlineMs: Number(process.env.ROUTE_CALL_DEADLINE_MS ?? 1500),
  snapshotTtlMs: Number(process.env.ROUTE_CALL_SNAPSHOT_TTL_MS ?? 30_000),
  accountTtlMs: Number(process.env.ROUTE_CALL_ACCOUNT_TTL_MS ?? 5_000),
});

export const routeCallDeps: RouteCallDeps = { reads: callReader, regions: callerRegionLookup };
