/** POST /v1/review/applications/{id}/decision — operators approve (contract, opening fee, activation) or reject with reasons. */
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { applicationPath, decisionBody } from '../../../shared/http/schemas/numbers.js';
import { approveApplication, rejectApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'decideApplication',
  { path: applicationPath, body: decisionBody },
  async ({ path, body, principal, now }) => {
    const at = now.toISOString();
    if (body.decision === 'approve') {
      if (body.reasons) throw invalid('unexpected_reasons', 'an approval takes no reasons', 'reasons');
      return { body: await approveApplication(path.id, principal.subject, at) };
    }
    const rejection = { reasons: body.reasons ?? [], ...(body.text ? { text: body.text } : {}) };
    return { body: await rejectApplication(path.id, rejection, principal.subject, at) };
  },
);
