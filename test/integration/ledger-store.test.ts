import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { LedgerStore } from '../../shared/adapters/dynamo/ledger-store.js';
import {
  createLocalNotifications,
  type LocalNotifications,
} from '../../shared/adapters/local/local-notifications.js';
import { tableName } from '../../shared/config.js';
import type { LedgerEntryInput } from '../../shared/domain/ledger/types.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
let outbox: LocalNotifications;
const store = new LedgerStore();

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  resetPorts();
  outbox = createLocalNotifications();
  usePorts({ notifications: outbox });
});

const entry = (
  tenantId: string,
  key: string,
  amount: number,
  kind: LedgerEntryInput['kind'] = 'top_up',
): LedgerEntryInput => ({
  tenantId,
  key,
  kind,
  amount,
  at: '2026-11-24T02:00:00.000Z',
  description: key,
});

async function accountItem(tenantId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe('LedgerStore.post', () => {
  it('posts entries with the balance in one transaction and creates the account on first use', async () => {
    const result = await store.post([
      entry('t1', 'topup#a', 10_000),
      entry('t1', 'opening#app1', -3_000, 'opening_fee'),
    ]);
    expect(result).toEqual({ applied: ['topup#a', 'opening#app1'], duplicates: [] });
    expect(await accountItem('t1')).toMatchObject({
      balance: 7_000,
      status: 'active',
      version: 1,
      lowBalanceThreshold: 5000,
    });
  });

  it('treats a replayed key as a duplicate, even days later, and a different amount as a conflict', async () => {
    await store.post([entry('t2', 'topup#k', 10_000)]);
    expect(await store.post([entry('t2', 'topup#k', 10_000)])).toEqual({
      applied: [],
      duplicates: ['topup#k'],
    });
    await expect(store.post([entry('t2', 'topup#k', 20_000)])).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    expect((await accountItem('t2'))?.balance).toBe(10_000);
  });

  it('puts the account into arrears at zero, owes the rest, and a top-up restores it with one alert each', async () => {
    await store.post([entry('t3', 'topup#1', 1_000)]);
    await store.post([entry('t3', 'rent#1', -1_500, 'monthly_rent')]);
    expect(await accountItem('t3')).toMatchObject({ balance: 0, owed: 500, status: 'arrears' });
    await store.post([entry('t3', 'topup#2', 10_000)]);
    expect(await accountItem('t3')).toMatchObject({ balance: 9_500, owed: 0, status: 'active' });
    expect(outbox.sent('t3').map((n) => n.kind)).toEqual(['arrears', 'service_restored']);
  });

  it('rejects non-integer money', async () => {
    await expect(store.post([entry('t4', 'x', 1.5)])).rejects.toMatchObject({ code: 'invalid_amount' });
  });

  it('keeps every concurrent posting: 20 parallel top-ups of 100 → 2000', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.post([entry('t5', `topup#p${i}`, 100)])));
    expect((await accountItem('t5'))?.balance).toBe(2_000);
    const page = await store.list('t5', 100, undefined);
    expect(page.items).toHaveLength(20);
  });
});
