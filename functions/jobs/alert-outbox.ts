/** Scheduled: publishes alerts left pending in the outbox by a failed publish. Safe to run twice. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { flushPendingAlerts } from '../../shared/adapters/dynamo/account-alerts.js';
import '../../shared/adapters/sns/notifications.js';
import { logger } from '../../shared/observability.js';

export const handler = middy(async (_event: { at?: string }) => {
  const published = await flushPendingAlerts(100);
  logger.info('alert outbox flushed', { published });
  return { published };
}).use(injectLambdaContext(logger, { resetKeys: true }));
