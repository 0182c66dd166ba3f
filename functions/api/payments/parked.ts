/** GET /v1/payments/parked — verified notifications that were not credited, for operators to resolve. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { parkedQuery } from '../../../shared/http/schemas/payments.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler('listParkedPayments', { query: parkedQuery }, async ({ query }) => ({
  body: { items: await payments.parked(query.limit ?? DEFAULT_PAGE_SIZE) },
}));
