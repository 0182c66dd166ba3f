import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountFromItem, putAccountAction } from '../../shared/adapters/dynamo/account-store.js';
import { newAccount } from '../../shared/domain/accounts/account.js';

process.env.TABLE_LEDGER ??= 'unit-ledger';

describe('the account item', () => {
  const stored = {
    pk: 'ACCT#t-1',
    sk: 'ACCOUNT',
    type: 'account',
    tenantId: 't-1',
    balance: 900,
    owed: 0,
    spendDay: '2026-11-24',
    spendToday: 100,
    dailyCap: 2000,
    capAlertedDay: '2026-11-23',
    status: 'arrears',
    arrearsSince: '2026-11-20T00:00:00.000Z',
    lowBalanceThreshold: 5000,
    alertEmails: ['ops@example.com'],
    alertPhones: [],
    lowBalanceAlerted: true,
    balanceRefusalAlerted: true,
    includedSecondsUsed: 60,
    includedMonth: '2026-11',
    version: 7,
    industry: 'medical',
    recordRetentionDays: 900,
  };

  it('reads every account field, and a missing item is a new account with the same fields', () => {
    const account = accountFromItem(stored, 't-1', '2026-11-24');
    // The item's account fields, as stored; the item's keys and other writers' attributes are not the account's.
    const { pk, sk, type, arrearsSince, industry, recordRetentionDays, ...fields } = stored;
    expect(account).toEqual({ ...fields, plan: undefined });
    expect(account).not.toHaveProperty('industry');
    // A missing item reads as a new account, field for field.
    expect(Object.keys(accountFromItem({}, 't-2', '2026-11-24'))).toEqual(Object.keys(account));
    expect(Object.keys(newAccount('t-2', '2026-11-24'))).toEqual(Object.keys(account));
    // Items written before the balance-refusal flag: an account in arrears was told when it went there.
    const { balanceRefusalAlerted: _flag, ...legacy } = stored;
    expect(accountFromItem(legacy, 't-1', '2026-11-24').balanceRefusalAlerted).toBe(true);
    expect(accountFromItem({ ...legacy, status: 'active' }, 't-1', '2026-11-24').balanceRefusalAlerted).toBe(
      false,
    );
  });

  it('a write keeps what other writers stored, drops what the account no longer has, and is conditional', () => {
    const account = accountFromItem(stored, 't-1', '2026-11-24');
    const next = {
      ...account,
      balance: 1900,
      status: 'active' as const,
      dailyCap: undefined,
      capAlertedDay: undefined,
      version: 8,
    };
    const now = '2026-11-24T08:00:00.000Z';
    const action = putAccountAction({ account, item: stored }, next, now, { callNumbers: ['4008123456'] });
    // What the document client stores (client.ts: undefined attributes are dropped).
    const written = (a: typeof action) => ({
      item: unmarshall(marshall(a.Put?.Item ?? {}, { removeUndefinedValues: true })),
      condition: a.Put?.ConditionExpression,
    });
    const { item, condition } = written(action);
    expect(item).toMatchObject({ pk: 'ACCT#t-1', sk: 'ACCOUNT', type: 'account', balance: 1900, version: 8 });
    expect(item).toMatchObject({
      industry: 'medical',
      recordRetentionDays: 900,
      callNumbers: ['4008123456'],
    });
    for (const gone of ['dailyCap', 'capAlertedDay', 'arrearsSince', 'plan'])
      expect(item).not.toHaveProperty(gone);
    expect(item.updatedAt).toBe(now);
    expect(condition).toBe('#v = :v');
    expect(action.Put?.ExpressionAttributeValues).toEqual({ ':v': 7 });
    // Still in arrears: the time it went into arrears is kept; a first account write is unconditional on version.
    const arrears = written(
      putAccountAction({ account, item: stored }, { ...account, version: 8 }, now),
    ).item;
    expect(arrears.arrearsSince).toBe('2026-11-20T00:00:00.000Z');
    const first = putAccountAction(
      { account: newAccount('t-3', '2026-11-24'), item: undefined },
      newAccount('t-3', '2026-11-24'),
      now,
    );
    expect(first.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});
