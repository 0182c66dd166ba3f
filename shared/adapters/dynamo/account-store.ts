/**
 * The account item (ledger table ACCT#<tenantId> / ACCOUNT): reading it, and the conditional write that
 * every money movement carries in its transaction. Routing, numbers and billing read the attributes
 * named in docs/ARCHITECTURE.md (balance, spendDay, spendToday, dailyCap, status, lowBalanceThreshold,
 * version) — keep them named so.
 */

import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { type Account, DEFAULT_LOW_BALANCE_THRESHOLD, newAccount } from '../../domain/accounts/account.js';
import { clock } from '../../runtime/ports.js';
import { dynamo } from './client.js';
import { batchGetItems } from './wire.js';

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

/** Built field by field, not by spreading newAccount(): see newAccount on V8 and spreads. */
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
    capAlertedDay: typeof item.capAlertedDay === 'string' ? item.capAlertedDay : undefined,
    plan: typeof item.plan === 'string' ? item.plan : undefined,
    includedMonth: typeof item.includedMonth === 'string' ? item.includedMonth : undefined,
    includedSecondsUsed: num(item.includedSecondsUsed),
    version: num(item.version),
  };
}

/** Account items are read with their extra attributes kept, so a write never drops what others stored. */
export interface StoredAccount {
  readonly account: Account;
  readonly item: Item | undefined;
}

export async function readAccount(tenantId: string, today: string): Promise<StoredAccount> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: accountKey(tenantId), ConsistentRead: true }),
  );
  return { account: Item ? accountFromItem(Item, tenantId, today) : newAccount(tenantId, today), item: Item };
}

/** Several accounts in as few requests as possible (BatchGet, 100 keys each, unprocessed keys retried). */
export async function readAccounts(
  tenantIds: readonly string[],
  today: string,
): Promise<Map<string, StoredAccount>> {
  const items = await batchGet('ledger', tenantIds.map(accountKey));
  const result = new Map<string, StoredAccount>();
  for (const tenantId of tenantIds) {
    const item = items.get(`ACCT#${tenantId}|ACCOUNT`);
    result.set(tenantId, {
      account: item ? accountFromItem(item, tenantId, today) : newAccount(tenantId, today),
      item,
    });
  }
  return result;
}

/**
 * When the account went into arrears (the arrears job's grace period counts from it): set at the write
 * that crosses into arrears, kept while it stays there, gone once it is active again.
 */
export function arrearsSinceAfter(stored: StoredAccount, next: Account, now: string): string | undefined {
  if (next.status !== 'arrears') return undefined;
  const since = stored.item?.arrearsSince;
  return stored.account.status === 'arrears' && typeof since === 'string' ? since : now;
}

/**
 * The conditional write of a new account state: the version read must still be there. Attributes other
 * writers stored are kept; optional fields the account no longer has are written as undefined, which
 * marshalling drops (no multi-source object spreads or deletes here: both are slow paths in V8).
 */
export function putAccountAction(stored: StoredAccount, next: Account, extra: Item = {}): TransactItem {
  const item: Item = Object.assign({}, stored.item, next, extra);
  const updatedAt = clock().now().toISOString();
  item.pk = `ACCT#${next.tenantId}`;
  item.sk = 'ACCOUNT';
  item.type = 'account';
  item.alertEmails = [...next.alertEmails];
  item.alertPhones = [...next.alertPhones];
  item.updatedAt = updatedAt;
  item.arrearsSince = arrearsSinceAfter(stored, next, updatedAt);
  return {
    Put: {
      TableName: tableName('ledger'),
      Item: item,
      ConditionExpression: stored.item ? '#v = :v' : 'attribute_not_exists(pk)',
      ...(stored.item
        ? {
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': stored.account.version },
          }
        : {}),
    },
  };
}

export type KeyOf = { pk: string; sk: string };

/** BatchGetItem over any number of keys (chunks of 100, unprocessed keys retried with backoff). */
export async function batchGet(
  table: 'ledger' | 'routing' | 'numbers' | 'ops',
  keys: readonly KeyOf[],
  consistent = true,
): Promise<Map<string, Item>> {
  return (await batchGetItems(tableName(table), keys, consistent)) as Map<string, Item>;
}
