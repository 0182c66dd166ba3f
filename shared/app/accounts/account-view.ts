/**
 * The account as the API shows it: today's spend counts only on its own day; the refusal point at the
 * rate call setup applies (the dearest minute of the tariff in force, carried by the routing snapshot).
 */
import { type Account, refusalOf, spendOn } from '../../domain/accounts/account.js';
import { DEFAULT_TARIFF } from '../../domain/rating/default-tariff.js';

export function accountView(account: Account, today: string, refusalRatePerMinute: number) {
  const callsRefusedFor = refusalOf(account, today, refusalRatePerMinute);
  return {
    balance: account.balance,
    owed: account.owed,
    status: account.status,
    spendDay: today,
    spendToday: spendOn(account, today),
    dailyCap: account.dailyCap ?? null,
    // The refusal point call setup applies (`refusalOf`): what the customer must fix for calls to be taken.
    capReachedToday: callsRefusedFor === 'spend_cap',
    callsRefusedFor,
    // Until a contract names a plan the account's calls are rated pay-as-you-go (the tariff's default plan).
    plan: account.plan ?? DEFAULT_TARIFF.defaultPlan,
    alerts: {
      emails: [...account.alertEmails],
      phones: [...account.alertPhones],
      lowBalanceThreshold: account.lowBalanceThreshold,
    },
  };
}

export type AccountView = ReturnType<typeof accountView>;
