/**
 * The account item (ledger table ACCT#<tenantId> / ACCOUNT): reading it, and the conditional write that
 * every money movement carries in its transaction. Routing, numbers and billing read the attributes
 * named in docs/ARCHITECTURE.md (balance, spendDay, spendToday, dailyCap, status, lowBalanceThreshold,
 * version) — keep them named so.
 */
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { type Account, DEFAULT_LOW_BALANCE_THRESHOLD, newAccount } from '../../domain/accounts/account.js';
import type { AccountsPort, StoredAccount } from '../../ports/accounts.js';
import type { Notification } from '../../ports/notifications.js';
import { outboxPutAction } from './account-alerts.js';
import { dynamo } from './client.js';
import { batchGetItems, type ItemKey } from './paging.js';

export type { StoredAccount } from '../../ports/accounts.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const accountKey = (tenantId: string) => ({ pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' });

type Item = Record<string, unknown>;
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const strings = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : v instanceof Set
      ? [...v].map(String)
      : [];

export function accountFromItem(item: Item, tenantId: string, today: string): Account {
  return {
    tenantId,
    balance: num(item.balance),
    owed: num(item.owed),
    spendDay: typeof item.spendDay === 'string' ? item.spendDay : today,
    spendToday: num(item.spendToday),
    dailyCap: typeof item.dailyCap === 'number' ? item.dailyCap : undefined,
    status: item.status === 'arrears' ? 'arrears' : 'active',
    lowBalanceThreshold: num(item.lowBalanceThreshold, DEFAULT_LOW_BALANCE_THRESHOLD),
    alertEmails: strings(item.alertEmails),
    alertPhones: strings(item.alertPhones),
    lowBalanceAlerted: item.lowBalanceAlerted === true,
    // Items written before the flag: an account in arrears was told when it went there.
    balanceRefusalAlerted:
      item.balanceRefusalAlerted === true ||
      (item.balanceRefusalAlerted === undefined && item.status === 'arrears'),
    capAlertedDay: typeof item.capAlertedDay === 'string' ? item.capAlertedDay : undefined,
    plan: typeof item.plan === 'string' ? item.plan : undefined,
    includedMonth: typeof item.includedMonth === 'string' ? item.includedMonth : undefined,
    includedSecondsUsed: num(item.includedSecondsUsed),
    version: num(item.version),
  };
}

export const storedAccount = (tenantId: string, item: Item | undefined, today: string): StoredAccount => ({
  account: item ? accountFromItem(item, tenantId, today) : newAccount(tenantId, today),
  item,
});

export async function readAccount(tenantId: string, today: string): Promise<StoredAccount> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: accountKey(tenantId), ConsistentRead: true }),
  );
  return storedAccount(tenantId, Item, today);
}

/** Several accounts in as few requests as possible (BatchGet, 100 keys each, unprocessed keys retried). */
export async function readAccounts(
  tenantIds: readonly string[],
  today: string,
): Promise<Map<string, StoredAccount>> {
  const items = await batchGet('ledger', tenantIds.map(accountKey));
  return new Map(tenantIds.map((t) => [t, storedAccount(t, items.get(`ACCT#${t}|ACCOUNT`), today)]));
}

/** The numbers the account has calls on (kept on the account item by ingest). */
export const callNumbersOf = (s: StoredAccount): string[] => strings(s.item?.callNumbers);

/**
 * When the account went into arrears (the arrears job's grace period counts from it): set at the write
 * that crosses into arrears, kept while it stays there, gone once it is active again.
 */
export function arrearsSinceAfter(before: StoredAccount, next: Account, now: string): string | undefined {
  if (next.status !== 'arrears') return undefined;
  const since = before.item?.arrearsSince;
  return before.account.status === 'arrears' && typeof since === 'string' ? since : now;
}

/**
 * The conditional write of a new account state: the version read must still be there. Attributes other
 * writers stored are kept; optional fields the account no longer has are written as undefined, which
 * marshalling drops.
 */
export function putAccountAction(
  before: StoredAccount,
  next: Account,
  now: string,
  extra: Item = {},
): TransactItem {
  const item: Item = {
    ...before.item,
    ...next,
    ...extra,
    ...accountKey(next.tenantId),
    type: 'account',
    alertEmails: [...next.alertEmails],
    alertPhones: [...next.alertPhones],
    updatedAt: now,
    arrearsSince: arrearsSinceAfter(before, next, now),
  };
  return {
    Put: {
      TableName: tableName('ledger'),
      Item: item,
      ...(before.item
        ? {
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': before.account.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

export type KeyOf = ItemKey;

/** BatchGetItem over any number of keys (chunks of 100, unprocessed keys retried with backoff). */
export async function batchGet(
  table: 'ledger' | 'routing' | 'numbers' | 'ops',
  keys: readonly KeyOf[],
  consistent = true,
): Promise<Map<string, Item>> {
  return batchGetItems(tableName(table), keys, consistent);
}

export function isTransactionConflict(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return (
    name === 'TransactionCanceledException' ||
    name === 'TransactionConflictException' ||
    name === 'ConditionalCheckFailedException'
  );
}

/** Accounts as the account settings and reports use them. */
export class DynamoAccounts implements AccountsPort {
  read(tenantId: string, today: string): Promise<StoredAccount> {
    return readAccount(tenantId, today);
  }

  async save(
    before: StoredAccount,
    next: Account,
    alerts: readonly Notification[],
    now: Date,
  ): Promise<boolean> {
    const at = now.toISOString();
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [putAccountAction(before, next, at), ...alerts.map((a) => outboxPutAction(a, at))],
        }),
      );
      return true;
    } catch (error) {
      if (isTransactionConflict(error)) return false;
      throw error;
    }
  }

  async callNumbers(tenantId: string): Promise<string[]> {
    // The day only fills a missing spend day; the numbers do not depend on it.
    return callNumbersOf(await readAccount(tenantId, '1970-01-01'));
  }
}
