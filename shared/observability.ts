/**
 * Logger and metrics, built once per process. Tracing lives in ./tracing.ts so the per-call routing
 * function can stay small: it relies on Lambda's active tracing instead of the X-Ray SDK.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'hotline400';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'hotline400',
  serviceName,
});
export { MetricUnit } from '@aws-lambda-powertools/metrics';
