/** GET /v1/payments — the tenant's payment orders with their state now. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { paymentsQuery } from '../../../shared/http/schemas/payments.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'listPaymentOrders',
  { query: paymentsQuery },
  async ({ query, principal, now }) => ({
    body: await payments.listOrders({
      tenantId: requireTenant(principal),
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      now,
    }),
  }),
);
