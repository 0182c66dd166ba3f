/** GET /v1/account/ledger — ledger entries, newest first, paginated. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { ledgerQuery } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler('listLedger', { query: ledgerQuery }, async ({ query, principal }) => ({
  body: await money.listLedger(requireTenant(principal), query),
}));
