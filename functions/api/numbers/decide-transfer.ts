/** POST /v1/numbers/{number}/transfer/decision — the receiving tenant accepts (with its approved qualification for this offer, named or found; old owner settled first) or declines. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath, transferDecisionBody } from '../../../shared/http/schemas/numbers.js';
import { decideTransfer } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'decideTransfer',
  { path: numberPath, body: transferDecisionBody },
  async ({ path, body, principal, now }) => ({
    body: await decideTransfer(path.number, requireTenant(principal), body.decision, now.toISOString(), {
      ...(body.applicantType ? { applicantType: body.applicantType } : {}),
      ...(body.qualificationApplicationId
        ? { qualificationApplicationId: body.qualificationApplicationId }
        : {}),
    }),
  }),
);
