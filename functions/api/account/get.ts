/** GET /v1/account — balance, today's spend, cap, plan and alert settings. */
import { accountView } from '../../../shared/adapters/dynamo/account-settings.js';
import { businessZone, ledgerStore } from '../../../shared/adapters/dynamo/ledger-store.js';
import { localDay } from '../../../shared/domain/zoned-time.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';

export const handler = apiHandler('getAccount', {}, async ({ principal, now }) => {
  const { account } = await ledgerStore().account(requireTenant(principal), now);
  return { body: accountView(account, localDay(businessZone(), now.getTime())) };
});
