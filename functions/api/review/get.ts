/** GET /v1/review/applications/{id} — operators: one application with download links to its documents. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';
import { getApplicationForReview } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'getApplicationForReview',
  { path: applicationPath },
  async ({ path, now }) => ({
    body: await getApplicationForReview(path.id, now),
  }),
);
