/**
 * The routing Lambda: Amazon Connect's generic contact flow asks it, per call and per step, what to do.
 * Reads at most the routing snapshot and the account (cached in the warm Lambda, under a deadline), decides
 * with the pure engine and answers a flat string map. It never throws to Connect: any failure becomes a
 * polite message-and-hang-up decision.
 * Kept small on purpose (no zod, no X-Ray SDK: Lambda's active tracing covers it): Connect waits on every call.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { callerRegionLookup, warmCallerRegions } from '../../shared/adapters/connect/caller-region.js';
import { itemReadsFromEnv } from '../../shared/adapters/dynamo/item-reads.js';
import { CallReader } from '../../shared/adapters/dynamo/routing-call-reader.js';
import { tableName } from '../../shared/config.js';
import { normaliseCaller } from '../../shared/domain/routing/caller.js';
import {
  type CallDecision,
  type CallStep,
  CONSERVATIVE_RATE_PER_MINUTE,
  decideCall,
  fallbackDecision,
} from '../../shared/domain/routing/decision.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';

// Lambda's init phase pays for loading the caller-region index, not the first call.
if (!warmCallerRegions())
  logger.warn('caller-region index missing: region rules fall back to the default destination');

/** One reader per warm Lambda: its cache is what keeps calls at under one database read on average. */
export const reader = new CallReader({
  reads: itemReadsFromEnv(),
  routingTable: () => tableName('routing'),
  ledgerTable: () => tableName('ledger'),
  deadlineMs: Number(process.env.ROUTE_CALL_DEADLINE_MS ?? 1500),
  snapshotTtlMs: Number(process.env.ROUTE_CALL_SNAPSHOT_TTL_MS ?? 30_000),
  accountTtlMs: Number(process.env.ROUTE_CALL_ACCOUNT_TTL_MS ?? 5_000),
});

/** The local call simulator replays calls at a chosen instant; only the local runtime honours it. */
function instantOf(params: Record<string, unknown>, now: Date): Date {
  if (process.env.HOTLINE_RUNTIME !== 'local' || typeof params.simulatedAt !== 'string') return now;
  const at = new Date(params.simulatedAt);
  return Number.isNaN(at.getTime()) ? now : at;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

export async function routeCall(
  event: ConnectContactFlowEvent,
  clockNow = new Date(),
): Promise<CallDecision> {
  try {
    const data = event?.Details?.ContactData;
    const params = (event?.Details?.Parameters ?? {}) as Record<string, unknown>;
    const now = instantOf(params, clockNow);
    const accessNumber = text(data?.SystemEndpoint?.Address);
    const caller = normaliseCaller(text(data?.CustomerEndpoint?.Address));
    const stepText = text(params.step);
    const step: CallStep = stepText === 'menu' || stepText === 'hunt' ? stepText : 'start';
    const [read, regionOf] = await Promise.all([reader.read(accessNumber), callerRegionLookup()]);
    if (read.timedOut && !read.snapshot) {
      logger.warn('routing read missed its deadline with nothing cached', { accessNumber });
      return fallbackDecision();
    }
    const decision = decideCall(
      {
        caller,
        contactId: text(data?.ContactId),
        step,
        key: text(params.key),
        state: text(params.state),
        now,
      },
      {
        snapshot: read.snapshot,
        account: read.account,
        regionOf,
        ratePerMinute: CONSERVATIVE_RATE_PER_MINUTE,
      },
    );
    logger.info('call routed', {
      contactId: data?.ContactId,
      accessNumber,
      step,
      action: decision.action,
      reason: decision.reason,
      requests: read.requests,
      stale: read.stale,
    });
    return decision;
  } catch (error) {
    logger.error('routing failed; answering the fallback', { error: error as Error });
    return fallbackDecision();
  }
}

/** Operators watch refusals (cap reached, arrears, blacklist) and fallbacks per action and reason. */
function countDecision(decision: CallDecision): void {
  metrics.addDimension('action', decision.action);
  metrics.addDimension('reason', decision.reason || 'none');
  metrics.addMetric('CallDecision', MetricUnit.Count, 1);
}

export const handler = middy(async (event: ConnectContactFlowEvent) => {
  const decision = await routeCall(event);
  countDecision(decision);
  return decision;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
