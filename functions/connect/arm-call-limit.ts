/**
 * Invoked by the generic contact flow just before it transfers or queues a call: arms the stop of the
 * contact (shared/app/routing/arm-call-limit.ts; Connect itself bounds neither a transfer to a phone number
 * nor a queued call). Never throws to Connect: a failure is logged and counted and the flow goes on.
 */
import { armCallLimit } from '../../shared/app/routing/arm-call-limit.js';
import { CALL_LIMIT_ARM_FAILURES_METRIC } from '../../shared/domain/routing/call-limit.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';
import { connectHandler } from '../../shared/runtime/connect-handler.js';
import { port } from '../../shared/runtime/ports.js';

export const handler = connectHandler(async (call) => {
  const { answer, armed, error } = await armCallLimit(
    { callLimits: () => port('callLimits') },
    {
      contactId: call.contactId,
      instanceId: call.instanceId,
      maxDurationSeconds: call.params.maxDurationSeconds,
      now: call.now,
    },
  );
  if (armed) logger.info('call limit armed', { ...armed });
  else if (answer.reason === 'missing_contact')
    logger.error('call limit not armed: the event names no contact or instance', {
      contactId: call.contactId,
    });
  else if (answer.reason === 'failed')
    logger.error('call limit not armed; the call goes on unlimited', {
      contactId: call.contactId,
      error: error as Error,
    });
  // Operators alarm on failures: each one is a call whose length nothing bounds.
  // Published alone, with the service dimension only: the alarm watches exactly that series.
  if (answer.armed === 'false' && answer.reason !== 'no_limit')
    metrics.singleMetric().addMetric(CALL_LIMIT_ARM_FAILURES_METRIC, MetricUnit.Count, 1);
  metrics.addDimension('reason', answer.reason);
  metrics.addMetric('CallLimitArm', MetricUnit.Count, 1);
  return answer;
});
