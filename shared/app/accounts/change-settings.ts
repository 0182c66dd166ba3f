/**
 * Primary course: a tenant edits its account settings (daily cap, alert recipients and threshold): the
 * account is read, changed, and written back under the version read, with any alert the change itself
 * causes (a cap set below today's spend) stored and then published. Variation: another writer moved the
 * account meanwhile — read again and retry, then give up with `account_busy`.
 */
import { type Account, alertFor, applyMovements } from '../../domain/accounts/account.js';
import { DomainError } from '../../domain/errors.js';
import { localDay } from '../../domain/zoned-time.js';
import type { AccountsPort } from '../../ports/accounts.js';
import type { Notification } from '../../ports/notifications.js';
import { type AccountView, accountView } from './account-view.js';

export interface SettingsDeps {
  readonly accounts: AccountsPort;
  readonly zone: string;
  readonly publishAlerts: (alerts: readonly Notification[]) => Promise<unknown>;
  /** The refusal point's rate at an instant: the dearest minute of the tariff in force. */
  readonly refusalRateAt: (now: Date) => Promise<number>;
}

const MAX_ATTEMPTS = 10;

export async function changeAccountSettings(
  deps: SettingsDeps,
  tenantId: string,
  now: Date,
  change: (account: Account) => Account,
): Promise<AccountView> {
  const today = localDay(deps.zone, now.getTime());
  const refusalRate = await deps.refusalRateAt(now);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    const stored = await deps.accounts.read(tenantId, today);
    // A spend day in the past counts as nothing today.
    const current =
      stored.account.spendDay < today
        ? { ...stored.account, spendDay: today, spendToday: 0 }
        : stored.account;
    const { account, crossings } = applyMovements(change(current), [], refusalRate);
    const alerts = crossings.map((c) => alertFor(account, c));
    if (await deps.accounts.save(stored, account, alerts, now)) {
      await deps.publishAlerts(alerts);
      return accountView(account, today, refusalRate);
    }
  }
  throw new DomainError('unavailable', 'account_busy', 'the account is busy; retry the request');
}
