/**
 * POST /v1/refunds/{refundId}/settlement — an operator records what the bank did with a bank-transfer refund;
 * a large failure is only proposed (202) for a second operator.
 */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { settleRefundBody, settleRefundPath } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'settleRefund',
  { path: settleRefundPath, body: settleRefundBody },
  async ({ path, body, principal, now }) => {
    const { refund, outcome } = await payments.settleRefundByOperator({
      refundId: path.refundId,
      succeeded: body.succeeded,
      reason: body.reason,
      operator: principal.subject,
      now,
    });
    return {
      status: outcome === 'proposed' ? 202 : outcome === 'duplicate' ? 200 : 201,
      body: { outcome, refund },
      audit: { tenantId: refund.tenantId, after: { succeeded: body.succeeded, outcome } },
    };
  },
);
