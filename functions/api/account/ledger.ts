/** GET /v1/account/ledger — ledger entries, newest first, paginated. */
import { ledgerStore } from '../../../shared/adapters/dynamo/ledger-store.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { ledgerQuery } from '../../../shared/http/schemas/money.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler('listLedger', { query: ledgerQuery }, async ({ query, principal }) => ({
  body: await ledgerStore().list(requireTenant(principal), query.limit ?? DEFAULT_PAGE_SIZE, query.cursor),
}));
