/**
 * The one way a scheduled job is built: middy with Powertools logging (job name and instant on every line)
 * and metrics; the instant comes from EventBridge Scheduler's `<aws.scheduler.scheduled-time>` (or
 * POST /local/jobs/{name}), defaults to now when absent, and is refused when malformed — a job run for the
 * wrong instant (say, billing the wrong month) is worse than a failed run that Scheduler retries.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, MetricUnit, metrics } from '../observability.js';
import { clock } from './ports.js';

export interface JobEvent {
  readonly at?: string;
}

export function jobInstant(at: unknown, now: () => Date = () => clock().now()): string {
  if (at === undefined || at === null || at === '') return now().toISOString();
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
    throw new TypeError(`job event: at must be an ISO-8601 instant, got ${JSON.stringify(at)}`);
  }
  return new Date(at).toISOString();
}

export function jobHandler<R extends object>(name: string, run: (at: string) => Promise<R>) {
  return middy(async (event: JobEvent = {}) => {
    const at = jobInstant(event?.at);
    logger.appendKeys({ job: name, at });
    const result = await run(at);
    logger.info('job finished', { result });
    // A metric of its own, so the job dimension never joins what the job itself emits (alarms key on those).
    const runs = metrics.singleMetric();
    runs.addDimension('job', name);
    runs.addMetric('JobRun', MetricUnit.Count, 1);
    const failed = (result as { failed?: unknown }).failed;
    if (typeof failed === 'number' && failed > 0) {
      const failures = metrics.singleMetric();
      failures.addDimension('job', name);
      failures.addMetric('JobItemFailures', MetricUnit.Count, failed);
    }
    return result;
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
