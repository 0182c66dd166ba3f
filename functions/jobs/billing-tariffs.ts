/**
 * Daily tariff job (02:00 Asia/Shanghai): scheduled tariff versions are copied onto their plan's contracts
 * and the tenants concerned are notified once. Safe to run twice, late, or overlapping.
 */
import { announceTariffs } from '../../shared/adapters/dynamo/billing-tariffs.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../shared/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { port } from '../../shared/runtime/ports.js';

export const handler = jobHandler('billing-tariffs', async (at) =>
  announceTariffs(at, optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE), await port('notifications')),
);
