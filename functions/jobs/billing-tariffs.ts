/**
 * Daily tariff job (02:00 Asia/Shanghai): scheduled tariff versions are copied onto their plan's contracts
 * and the tenants concerned are notified once. Safe to run twice, late, or overlapping.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { announceTariffs } from '../../shared/adapters/dynamo/billing-tariffs.js';
import '../../shared/adapters/sns/notifications.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { logger } from '../../shared/observability.js';
import { port } from '../../shared/runtime/ports.js';

export const handler = middy(async (event: { at?: string }) => {
  const at =
    event?.at && !Number.isNaN(Date.parse(event.at))
      ? new Date(event.at).toISOString()
      : new Date().toISOString();
  const result = await announceTariffs(
    at,
    optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE),
    await port('notifications'),
  );
  logger.info('tariff versions announced', { ...result });
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
