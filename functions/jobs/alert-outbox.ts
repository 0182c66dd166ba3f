/** Scheduled: publishes alerts left pending in the outbox by a failed publish. Safe to run twice. */
import { flushPendingAlerts } from '../../shared/adapters/dynamo/account-alerts.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('alert-outbox', async () => ({ published: await flushPendingAlerts(100) }));
