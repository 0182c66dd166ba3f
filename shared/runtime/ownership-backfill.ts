/** The composition root of the one-off ownership backfill job (functions/jobs/number-ownership-backfill.ts). */
import { dynamoOwnershipBackfill } from '../adapters/dynamo/ownership-backfill.js';
import { backfillOwnership } from '../app/numbers/backfill-ownership.js';
import { logger } from '../observability.js';

export const runOwnershipBackfill = (at: string) =>
  backfillOwnership(
    {
      store: dynamoOwnershipBackfill(),
      warn: (message, details) => logger.warn(message, { ...details, error: details.error as Error }),
    },
    at,
  );
