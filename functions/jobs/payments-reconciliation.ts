/** Scheduled daily: yesterday's payments (Asia/Shanghai) against each provider's statement. Safe to run twice. */
import { businessZone } from '../../shared/adapters/dynamo/ledger-store.js';
import { localDay } from '../../shared/domain/zoned-time.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { payments } from '../../shared/runtime/payments.js';

export const handler = jobHandler('payments-reconciliation', async (at) => {
  const day = localDay(businessZone(), Date.parse(at) - 86_400_000);
  const results = await payments.reconcile(day, new Date(at));
  return {
    day,
    differences: results.reduce((n, r) => n + r.differences.length, 0),
    channels: results.map((r) => ({
      channel: r.channel,
      differences: r.differences,
      recordedNow: r.recordedNow,
    })),
  };
});
