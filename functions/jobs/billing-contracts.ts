/**
 * Daily contract-terms job (01:00 Asia/Shanghai): 30-day renewal/ending notices, renewals on the day,
 * endings of contracts that do not renew. Safe to run twice, late, or overlapping.
 */
import { sweepContractTerms } from '../../shared/adapters/dynamo/billing-contract-terms.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { port } from '../../shared/runtime/ports.js';

export const handler = jobHandler('billing-contracts', async (at) =>
  sweepContractTerms(at, optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE), await port('notifications')),
);
