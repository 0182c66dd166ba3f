/**
 * POST /v1/review/applications/{id}/decision — operators approve (contract, opening fee; 202: the number's
 * activation in Connect runs in the activation worker) or reject with reasons (200).
 */
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { applicationPath, decisionBody } from '../../../shared/http/schemas/numbers.js';
import { decideApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'decideApplication',
  { path: applicationPath, body: decisionBody },
  async ({ path, body, principal, now }) => {
    if (body.decision === 'approve' && body.reasons) {
      throw invalid('unexpected_reasons', 'an approval takes no reasons', 'reasons');
    }
    const decision =
      body.decision === 'approve'
        ? { decision: 'approve' as const }
        : {
            decision: 'reject' as const,
            reasons: body.reasons ?? [],
            ...(body.text ? { text: body.text } : {}),
          };
    const application = await decideApplication(path.id, decision, principal.subject, now.toISOString());
    return {
      // An approval is accepted: the activation worker claims and binds the access number (a transfer
      // recipient's qualification activates nothing: it is done).
      status: decision.decision === 'approve' && application.transfer !== true ? 202 : 200,
      body: application,
      // Filed under the applicant's tenant, so it sees (as "operator") who decided its application.
      audit: {
        tenantId: application.tenantId,
        object: `application:${path.id}`,
        after: { decision: body.decision, status: application.status },
      },
    };
  },
);
