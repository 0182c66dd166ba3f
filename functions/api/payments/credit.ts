/** POST /v1/accounts/{tenantId}/credits — an operator's credit, with its reason; large ones need a second operator. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { creditBody, creditPath, idempotencyKeyOf } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'createCredit',
  { path: creditPath, body: creditBody },
  async ({ path, body, headers, principal, now }) => {
    const { credit, outcome } = await payments.creditAccount({
      tenantId: path.tenantId,
      operator: principal.subject,
      creditId: idempotencyKeyOf(headers),
      kind: body.kind,
      amount: body.amount,
      reason: body.reason,
      ...(body.reference ? { reference: body.reference } : {}),
      now,
    });
    return {
      status: outcome === 'proposed' ? 202 : outcome === 'duplicate' ? 200 : 201,
      body: { outcome, credit },
    };
  },
);
