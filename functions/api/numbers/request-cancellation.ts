/** POST /v1/numbers/{number}/cancellation — ask to cancel; the number is cancelled after the notice period. */
import { ownerCommand } from '../../../shared/adapters/dynamo/number-commands.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'requestCancellation',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    status: 202,
    body: await ownerCommand(
      path.number,
      'request_cancellation',
      requireTenant(principal),
      now.toISOString(),
      numbersConfig(),
    ),
  }),
);
