/** GET /v1/review/undelivered-alerts — operators: alerts refused for good, every tenant's or one's, newest first. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { undeliveredAlertsReviewQuery } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'listUndeliveredAlertsForReview',
  { query: undeliveredAlertsReviewQuery },
  async ({ query }) => ({ body: await money.reviewUndeliveredAlerts(query) }),
);
