/** Primary course: the tenant's ledger entries, newest first, a page at a time (calls are entries too). */
import type { LedgerStorePort, LedgerView } from '../../ports/accounts.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../../ports/paging.js';

export function listLedger(
  deps: { readonly ledger: LedgerStorePort },
  tenantId: string,
  page: { readonly limit?: number; readonly cursor?: string },
): Promise<Page<LedgerView>> {
  return deps.ledger.list(tenantId, page.limit ?? DEFAULT_PAGE_SIZE, page.cursor);
}
