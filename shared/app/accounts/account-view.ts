/** The account as the API shows it: today's spend counts only on its own day. */
import { type Account, spendOn } from '../../domain/accounts/account.js';

export function accountView(account: Account, today: string) {
  return {
    balance: account.balance,
    owed: account.owed,
    status: account.status,
    spendDay: today,
    spendToday: spendOn(account, today),
    dailyCap: account.dailyCap ?? null,
    plan: account.plan ?? null,
    alerts: {
      emails: [...account.alertEmails],
      phones: [...account.alertPhones],
      lowBalanceThreshold: account.lowBalanceThreshold,
    },
  };
}

export type AccountView = ReturnType<typeof accountView>;
