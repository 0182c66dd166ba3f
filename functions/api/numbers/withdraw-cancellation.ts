/** Withdraw a cancellation request during its notice period. */
import { ownerCommand } from '../../../shared/adapters/dynamo/number-commands.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'withdrawCancellation',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    body: await ownerCommand(
      path.number,
      'withdraw_cancellation',
      requireTenant(principal),
      now.toISOString(),
      numbersConfig(),
    ),
  }),
);
