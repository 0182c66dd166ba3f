/** POST /v1/numbers/{number}/transfer/decision — the receiving tenant accepts (stating its applicant type or an approved qualification; old owner settled first) or declines. */
import { decideTransfer } from '../../../shared/adapters/dynamo/number-commands.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath, transferDecisionBody } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'decideTransfer',
  { path: numberPath, body: transferDecisionBody },
  async ({ path, body, principal, now }) => ({
    body: await decideTransfer(
      path.number,
      requireTenant(principal),
      body.decision,
      now.toISOString(),
      numbersConfig(),
      {
        ...(body.applicantType ? { applicantType: body.applicantType } : {}),
        ...(body.qualificationApplicationId
          ? { qualificationApplicationId: body.qualificationApplicationId }
          : {}),
      },
    ),
  }),
);
