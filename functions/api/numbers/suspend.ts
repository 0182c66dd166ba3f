/** Suspend the number with retention (报停保号); calls stop, the number is kept. */
import { ownerCommand } from '../../../shared/adapters/dynamo/number-commands.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { numberPath } from '../../../shared/http/schemas/numbers.js';

export const handler = apiHandler(
  'suspendNumber',
  { path: numberPath },
  async ({ path, principal, now }) => ({
    body: await ownerCommand(
      path.number,
      'suspend',
      requireTenant(principal),
      now.toISOString(),
      numbersConfig(),
    ),
  }),
);
