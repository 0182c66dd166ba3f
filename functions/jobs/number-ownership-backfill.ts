/**
 * Job number-ownership-backfill (one-off, no schedule): writes the ownership periods of numbers that came into
 * service before periods were kept, from their history and contract. Idempotent: a rerun changes nothing.
 */
import { jobHandler } from '../../shared/runtime/job-handler.js';
import { runOwnershipBackfill } from '../../shared/runtime/ownership-backfill.js';

export const handler = jobHandler('number-ownership-backfill', (at) => runOwnershipBackfill(at));
