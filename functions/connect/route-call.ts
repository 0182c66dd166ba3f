/**
 * The routing Lambda: Amazon Connect's generic contact flow asks it, per call and per step, what to do
 * (shared/app/routing/route-call.ts). It never throws to Connect: any failure becomes the fallback decision.
 * Kept small on purpose (no zod, no SDK client, no Powertools, no X-Ray SDK: Lambda's active tracing covers it).
 */
import { routeCall } from '../../shared/app/routing/route-call.js';
import { MetricUnit } from '../../shared/runtime/call-telemetry.js';
import { callLogger, callMetrics, connectHandler } from '../../shared/runtime/connect-handler.js';
import { routeCallDeps, warmRegions } from '../../shared/runtime/route-call.js';

if (!warmRegions())
  callLogger.warn('caller-region index missing: region rules fall back to the default destination');

export const handler = connectHandler(async (call) => {
  const { decision, requests, stale, fallback, error } = await routeCall(routeCallDeps, {
    accessNumber: call.accessNumber,
    caller: call.caller,
    contactId: call.contactId,
    step: call.params.step ?? '',
    key: call.params.key ?? '',
    state: call.params.state ?? '',
    now: call.now,
  });
  if (fallback === 'read_failed')
    callLogger.warn('routing read failed with nothing cached', { accessNumber: call.accessNumber });
  else if (fallback === 'error')
    callLogger.error('routing failed; answering the fallback', { error: error as Error });
  else
    callLogger.info('call routed', {
      contactId: call.contactId,
      accessNumber: call.accessNumber,
      step: call.params.step,
      action: decision.action,
      reason: decision.reason,
      requests,
      stale,
    });
  // Operators watch refusals (cap reached, arrears, blacklist) and fallbacks per action and reason.
  callMetrics.addDimension('action', decision.action);
  callMetrics.addDimension('reason', decision.reason || 'none');
  callMetrics.addMetric('CallDecision', MetricUnit.Count, 1);
  return decision;
});
