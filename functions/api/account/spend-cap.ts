/** PUT /v1/account/spend-cap — sets (or clears with null) the daily cap; routing refuses calls once it is reached. */
import { accountView, updateAccountSettings } from '../../../shared/adapters/dynamo/account-settings.js';
import { businessZone } from '../../../shared/adapters/dynamo/ledger-store.js';
import { localDay } from '../../../shared/domain/zoned-time.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { spendCapBody } from '../../../shared/http/schemas/money.js';

export const handler = apiHandler('setSpendCap', { body: spendCapBody }, async ({ body, principal, now }) => {
  const account = await updateAccountSettings(requireTenant(principal), now, (a) => ({
    ...a,
    dailyCap: body.dailyCap ?? undefined,
  }));
  return { body: accountView(account, localDay(businessZone(), now.getTime())) };
});
