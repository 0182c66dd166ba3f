/** POST /v1/refunds/{refundId}/settlement/confirmation — a second operator confirms a proposed refund failure. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { settleRefundPath } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'confirmRefundFailure',
  { path: settleRefundPath },
  async ({ path, principal, now }) => {
    const { refund, outcome } = await payments.confirmRefundFailure({
      refundId: path.refundId,
      operator: principal.subject,
      now,
    });
    return {
      status: outcome === 'duplicate' ? 200 : 201,
      body: { outcome, refund },
      audit: {
        tenantId: refund.tenantId,
        after: { succeeded: false, outcome, proposedBy: refund.failureProposal?.by },
      },
    };
  },
);
