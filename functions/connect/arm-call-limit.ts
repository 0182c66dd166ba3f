/**
 * Invoked by the generic contact flow just before it transfers or queues a call: arms the stop of the
 * contact (shared/app/routing/arm-call-limit.ts; Connect itself bounds neither a transfer to a phone number
 * nor a queued call). Never throws to Connect: a failure is logged and counted and the flow goes on.
 */
import { armCallLimit } from '../../shared/app/routing/arm-call-limit.js';
import { CALL_LIMIT_ARM_FAILURES_METRIC } from '../../shared/domain/routing/call-limit.js';
import { MetricUnit } from '../../shared/runtime/call-telemetry.js';
import { callLogger, callMetrics, connectHandler } from '../../shared/runtime/connect-handler.js';
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
  if (armed) callLogger.info('call limit armed', { ...armed });
  else if (answer.reason === 'missing_contact')
    callLogger.error('call limit not armed: the event names no contact or instance', {
      contactId: call.contactId,
    });
  else if (answer.reason === 'failed')
    callLogger.error('call limit not armed; the call goes on unlimited', {
      contactId: call.contactId,
      error: error as Error,
    });
  // Operators alarm on failures: each one is a call whose length nothing bounds.
  // Published alone, with the service dimension only: the alarm watches exactly that series.
  if (answer.armed === 'false' && answer.reason !== 'no_limit')
    callMetrics.single(CALL_LIMIT_ARM_FAILURES_METRIC, MetricUnit.Count, 1);
  callMetrics.addDimension('reason', answer.reason);
  callMetrics.addMetric('CallLimitArm', MetricUnit.Count, 1);
  return answer;
});
