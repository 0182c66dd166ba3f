/** GET /v1/refunds/pending — refunds waiting for a result, oldest first (operators; bank refunds are finance's). */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { parkedQuery } from '../../../shared/http/schemas/payments.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler('listPendingRefunds', { query: parkedQuery }, async ({ query, now }) => ({
  body: { items: await payments.pendingRefunds(now, query.limit ?? DEFAULT_PAGE_SIZE) },
}));
