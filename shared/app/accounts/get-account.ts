/** Primary course: the tenant's balance, today's spend, cap, plan and alert settings. */
import { localDay } from '../../domain/zoned-time.js';
import type { LedgerStorePort } from '../../ports/accounts.js';
import { type AccountView, accountView } from './account-view.js';

export async function getAccount(
  deps: { readonly ledger: LedgerStorePort; readonly zone: string },
  tenantId: string,
  now: Date,
): Promise<AccountView> {
  const { account } = await deps.ledger.account(tenantId, now);
  return accountView(account, localDay(deps.zone, now.getTime()));
}
