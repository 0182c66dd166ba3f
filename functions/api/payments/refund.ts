/** POST /v1/refunds — money paid in and not spent goes back to its payments' channels, oldest first. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { idempotencyKeyOf, refundBody } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'requestRefund',
  { body: refundBody },
  async ({ body, headers, principal, now }) => {
    const { refunds, duplicate } = await payments.requestRefund({
      tenantId: requireTenant(principal),
      by: principal.subject,
      amount: body.amount,
      requestId: idempotencyKeyOf(headers),
      now,
    });
    return { status: duplicate ? 200 : 202, body: { duplicate, refunds } };
  },
);
