/**
 * The one way a provider's webhook is built. These routes carry no JWT: what makes a request trustworthy is
 * the provider's signature, checked by the use case. The handler only hands over the raw body (exactly as
 * sent: signatures cover its bytes) and lower-cased headers, and answers what the provider documents.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger, MetricUnit, metrics } from '../observability.js';
import type { NotificationRequest, WebhookAnswer } from '../ports/payments.js';

/** Provider notifications are a few KB; anything far larger is not one. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

export interface WebhookResult {
  readonly answer: WebhookAnswer;
  readonly outcome: string;
  readonly reason?: string;
}

export function webhookHandler(
  id: string,
  run: (request: NotificationRequest, now: Date) => Promise<WebhookResult>,
  fallbackNow: () => Date,
) {
  const base = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.headers ?? {}))
      if (v !== undefined) headers[k.toLowerCase()] = v;
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    logger.appendKeys({ webhook: id, correlationId: event.requestContext?.requestId });
    if (Buffer.byteLength(body, 'utf8') > MAX_WEBHOOK_BYTES) return { statusCode: 413, body: '' };
    const now = event.requestContext?.timeEpoch ? new Date(event.requestContext.timeEpoch) : fallbackNow();
    const result = await run({ headers, body }, now);
    metrics.addDimension('webhook', id);
    metrics.addMetric(`Webhook_${result.outcome}`, MetricUnit.Count, 1);
    logger.info('notification handled', { outcome: result.outcome, reason: result.reason });
    return {
      statusCode: result.answer.status,
      headers: { 'content-type': result.answer.contentType },
      body: result.answer.body,
    };
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
