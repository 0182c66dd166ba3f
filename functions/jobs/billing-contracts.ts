/**
 * Daily contract-terms job (01:00 Asia/Shanghai): 30-day renewal/ending notices, renewals on the day,
 * endings of contracts that do not renew. Safe to run twice, late, or overlapping.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { sweepContractTerms } from '../../shared/adapters/dynamo/billing-contract-terms.js';
import '../../shared/adapters/sns/notifications.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { logger } from '../../shared/observability.js';
import { port } from '../../shared/runtime/ports.js';

export const handler = middy(async (event: { at?: string }) => {
  const at =
    event?.at && !Number.isNaN(Date.parse(event.at))
      ? new Date(event.at).toISOString()
      : new Date().toISOString();
  const result = await sweepContractTerms(
    at,
    optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE),
    await port('notifications'),
  );
  logger.info('contract terms swept', { ...result });
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
