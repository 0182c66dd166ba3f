/** GET /v1/account — balance, today's spend, cap, plan and alert settings. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler('getAccount', {}, async ({ principal, now }) => ({
  body: await money.getAccount(requireTenant(principal), now),
}));
