/** POST /v1/payments — a payment order; nothing is credited until the provider's verified notification. */

import { paymentOrderView } from '../../../shared/app/payments/list-payment-orders.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { createPaymentBody, idempotencyKeyOf } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'createPaymentOrder',
  { body: createPaymentBody },
  async ({ body, headers, principal, now }) => {
    const { order, instructions, replayed } = await payments.createOrder({
      tenantId: requireTenant(principal),
      by: principal.subject,
      amount: body.amount,
      channel: body.channel,
      idempotencyKey: idempotencyKeyOf(headers),
      now,
    });
    return { status: replayed ? 200 : 201, body: { ...paymentOrderView(order, now), ...instructions } };
  },
);
