/**
 * Tenant-edited account settings (daily cap, alert recipients and threshold): a read-modify-write of the
 * account item under its version, with any alert the change itself causes (a cap set below today's spend)
 * written to the outbox in the same transaction.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Account, applyMovements } from '../../domain/accounts/account.js';
import { DomainError } from '../../domain/errors.js';
import { localDay } from '../../domain/zoned-time.js';
import { notificationFor, outboxPutAction, publishOutbox } from './account-alerts.js';
import { putAccountAction, readAccount } from './account-store.js';
import { dynamo } from './client.js';
import { businessZone, isTransactionConflict } from './ledger-store.js';

export async function updateAccountSettings(
  tenantId: string,
  now: Date,
  change: (account: Account) => Account,
): Promise<Account> {
  const zone = businessZone();
  const today = localDay(zone, now.getTime());
  for (let attempt = 0; attempt < 10; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    const stored = await readAccount(tenantId, today);
    // A spend day in the past counts as nothing today.
    const current =
      stored.account.spendDay < today
        ? { ...stored.account, spendDay: today, spendToday: 0 }
        : stored.account;
    const { account, crossings } = applyMovements(change(current), []);
    const outbox = crossings.map((c) => outboxPutAction(notificationFor(account, c), now.toISOString()));
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [putAccountAction(stored, account), ...outbox.map((o) => o.action)],
        }),
      );
      await publishOutbox(outbox.map((o) => o.entry));
      return account;
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
    }
  }
  throw new DomainError('unavailable', 'account_busy', 'the account is busy; retry the request');
}

/** The account as the API shows it. */
export function accountView(account: Account, today: string) {
  return {
    balance: account.balance,
    owed: account.owed,
    status: account.status,
    spendDay: today,
    spendToday: account.spendDay === today ? account.spendToday : 0,
    dailyCap: account.dailyCap ?? null,
    plan: account.plan ?? null,
    alerts: {
      emails: [...account.alertEmails],
      phones: [...account.alertPhones],
      lowBalanceThreshold: account.lowBalanceThreshold,
    },
  };
}
