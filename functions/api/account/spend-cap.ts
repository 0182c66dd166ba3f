/** PUT /v1/account/spend-cap — sets (or clears with null) the daily cap; routing refuses calls once it is reached. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { spendCapBody } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'setSpendCap',
  { body: spendCapBody },
  async ({ body, principal, now }) => ({
    body: await money.setSpendCap(requireTenant(principal), body.dailyCap, now),
  }),
);
