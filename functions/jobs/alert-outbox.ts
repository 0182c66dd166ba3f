/** Scheduled: publishes alerts left pending in the outbox by a failed publish. Safe to run twice. */

import { jobHandler } from '../../shared/runtime/job-handler.js';
import { money } from '../../shared/runtime/money.js';

export const handler = jobHandler('alert-outbox', async () => ({
  published: await money.flushAlertOutbox(100),
}));
