/** POST /v1/accounts/{tenantId}/credits/{creditId}/approval — a second operator approves a proposed credit. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { approveCreditPath } from '../../../shared/http/schemas/payments.js';
import { payments } from '../../../shared/runtime/payments.js';

export const handler = apiHandler(
  'approveCredit',
  { path: approveCreditPath },
  async ({ path, principal, now }) => {
    const { credit, outcome } = await payments.approveCredit({
      tenantId: path.tenantId,
      creditId: path.creditId,
      operator: principal.subject,
      now,
    });
    return { status: outcome === 'duplicate' ? 200 : 201, body: { outcome, credit } };
  },
);
