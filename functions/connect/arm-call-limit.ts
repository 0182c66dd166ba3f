/**
 * Invoked by the generic contact flow just before it transfers or queues a call: arms the stop of the
 * contact at now + the decision's maxDurationSeconds + a grace (Connect itself bounds neither a transfer
 * to a phone number nor a queued call). Never throws to Connect: a failure is logged and counted and the
 * flow goes on with the call (an unarmed call beats a dropped one). Kept small: Connect waits on it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import {
  type ArmCallLimitAnswer,
  armCallLimitAnswer,
  CALL_LIMIT_ARM_FAILURES_METRIC,
  callStopInstant,
} from '../../shared/domain/routing/call-limit.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';
import { port } from '../../shared/runtime/ports.js';

/** The local call simulator replays calls at a chosen instant; only the local runtime honours it. */
function instantOf(params: Record<string, unknown>, now: Date): Date {
  if (process.env.HOTLINE_RUNTIME !== 'local' || typeof params.simulatedAt !== 'string') return now;
  const at = new Date(params.simulatedAt);
  return Number.isNaN(at.getTime()) ? now : at;
}

export async function armCallLimit(
  event: ConnectContactFlowEvent,
  clockNow = new Date(),
): Promise<ArmCallLimitAnswer> {
  const data = event?.Details?.ContactData;
  const contactId = typeof data?.ContactId === 'string' ? data.ContactId : '';
  try {
    const params = (event?.Details?.Parameters ?? {}) as Record<string, unknown>;
    const now = instantOf(params, clockNow);
    const stopAt = callStopInstant(params.maxDurationSeconds, now);
    if (!stopAt) return armCallLimitAnswer(false, 'no_limit');
    const instanceArn = typeof data?.InstanceARN === 'string' ? data.InstanceARN : '';
    const instanceId = instanceArn.split('/').pop() ?? '';
    if (!contactId || !instanceId) {
      logger.error('call limit not armed: the event names no contact or instance', { contactId });
      return armCallLimitAnswer(false, 'missing_contact');
    }
    const armed = await (await port('callLimits')).arm(
      { contactId, instanceId, stopAt: stopAt.toISOString() },
      now,
    );
    logger.info('call limit armed', { ...armed });
    return armCallLimitAnswer(true, armed.immediate ? 'stopped_now' : 'armed', armed.stopAt);
  } catch (error) {
    logger.error('call limit not armed; the call goes on unlimited', { contactId, error: error as Error });
    return armCallLimitAnswer(false, 'failed');
  }
}

export const handler = middy(async (event: ConnectContactFlowEvent) => {
  const result = await armCallLimit(event);
  // Operators alarm on failures: each one is a call whose length nothing bounds.
  // Published alone, with the service dimension only: the alarm watches exactly that series.
  if (result.armed === 'false' && result.reason !== 'no_limit')
    metrics.singleMetric().addMetric(CALL_LIMIT_ARM_FAILURES_METRIC, MetricUnit.Count, 1);
  metrics.addDimension('reason', result.reason);
  metrics.addMetric('CallLimitArm', MetricUnit.Count, 1);
  return result;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
