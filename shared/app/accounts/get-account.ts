/** Primary course: the tenant's balance, today's spend, cap, plan and alert settings. */
import { localDay } from '../../domain/zoned-time.js';
import type { LedgerStorePort } from '../../ports/accounts.js';
import { type AccountView, accountView } from './account-view.js';

export async function getAccount(
  deps: {
    readonly ledger: LedgerStorePort;
    readonly zone: string;
    /** The refusal point's rate at an instant: the dearest minute of the tariff in force. */
    readonly refusalRateAt: (now: Date) => Promise<number>;
  },
  tenantId: string,
  now: Date,
): Promise<AccountView> {
  const [{ account }, refusalRate] = await Promise.all([
    deps.ledger.account(tenantId, now),
    deps.refusalRateAt(now),
  ]);
  return accountView(account, localDay(deps.zone, now.getTime()), refusalRate);
}
