import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { tableName } from '../../shared/config.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import type { LedgerEntryInput } from '../../shared/domain/ledger/types.js';
import { systemClock, TestClock } from '../../shared/ports/clock.js';
import { ledger, money } from '../../shared/runtime/money.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { useTariffStore } from '../../shared/runtime/tariffs.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { type LocalNotifier, useLocalNotifier } from '../support/local-notifier.js';

let db: TestDatabase;
let notifier: LocalNotifier;
let outbox: LocalNotifications;
const store = ledger();

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  resetPorts();
  notifier = useLocalNotifier();
  outbox = notifier.outbox;
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

  it('tells the account’s alert contacts through the notifier: each e-mail, and an SMS to the mainland mobile alone', async () => {
    const now = '2026-11-24T12:00:00.000Z';
    useClock(new TestClock(now));
    try {
      await store.post([entry('t7', 'topup#1', 1_000)]);
      await money.setAlerts(
        't7',
        { emails: ['ops@t7.example.cn'], phones: ['+8613912345678', '+6591234567'] },
        new Date(now),
      );
      await store.post([entry('t7', 'rent#1', -1_500, 'monthly_rent')]);
      // The ledger hands the alert over to the account's contacts, both phones; the notifier picks the channels.
      const handedOver = notifier.queue.sent.map((s) => s.message.notification);
      expect(handedOver.map((n) => [n.tenantId, n.kind, n.recipients])).toEqual([
        ['t7', 'arrears', { emails: ['ops@t7.example.cn'], phones: ['+8613912345678', '+6591234567'] }],
      ]);
      const [told, ...more] = outbox.sent('t7');
      expect(more).toEqual([]);
      expect(told).toMatchObject({ kind: 'arrears', publishedAt: now });
      expect(told?.deliveries.map((d) => [d.channel, d.to])).toEqual([
        ['email', 'ops@t7.example.cn'],
        ['sms', '+8613912345678'],
      ]);
      expect(told?.deliveries[1]?.text.startsWith('【四零零热线】')).toBe(true);
    } finally {
      useClock(systemClock);
    }
  });

  it('records when the account went into arrears, keeps it while in arrears, and clears it on restore', async () => {
    // The ledger stamps the clock in force (a test clock here), not the entry's date.
    const clock = new TestClock('2026-11-24T12:00:00Z');
    useClock(clock);
    try {
      await store.post([entry('t6', 'topup#1', 1_000)]);
      expect(await accountItem('t6')).not.toHaveProperty('arrearsSince');
      await store.post([entry('t6', 'rent#1', -1_500, 'monthly_rent')]);
      const since = (await accountItem('t6'))?.arrearsSince as string;
      expect(since).toBe('2026-11-24T12:00:00.000Z');
      clock.set('2026-11-26T08:00:00Z');
      await store.post([entry('t6', 'fee#2', -200, 'retention_fee')]);
      expect(await accountItem('t6')).toMatchObject({ status: 'arrears', owed: 700, arrearsSince: since });
      await store.post([entry('t6', 'topup#2', 500)]);
      expect(await accountItem('t6')).toMatchObject({ status: 'arrears', arrearsSince: since });
      await store.post([entry('t6', 'topup#3', 10_000)]);
      const restored = await accountItem('t6');
      expect(restored).toMatchObject({ status: 'active', balance: 9_800 });
      expect(restored).not.toHaveProperty('arrearsSince');
      clock.set('2026-12-01T02:00:00Z');
      await store.post([entry('t6', 'rent#2', -20_000, 'monthly_rent')]);
      expect((await accountItem('t6'))?.arrearsSince).toBe('2026-12-01T02:00:00.000Z');
    } finally {
      useClock(systemClock);
    }
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

describe('LedgerStore.postMany', () => {
  const tenants = Array.from({ length: 30 }, (_, i) => `many-${i}`);
  const fees = (month: string) =>
    tenants.flatMap((t, i) => [
      entry(t, `${t}#rent#${month}`, -(1_000 + i), 'monthly_rent'),
      entry(t, `${t}#ivr#${month}`, -500, 'value_added'),
      entry(t, `${t}#min#${month}`, -(i % 3) * 100, 'minimum_spend'),
    ]);

  it('posts many tenants in shared transactions; a replay is all duplicates and moves no money', async () => {
    for (const t of tenants) await store.post([entry(t, 'topup#seed', 100_000)]);
    const first = await store.postMany(fees('2026-01'));
    expect([...first.keys()].sort()).toEqual([...tenants].sort());
    for (const [i, t] of tenants.entries()) {
      expect(first.get(t)).toEqual({
        ok: true,
        result: { applied: [`${t}#rent#2026-01`, `${t}#ivr#2026-01`, `${t}#min#2026-01`], duplicates: [] },
      });
      const expected = 100_000 - (1_000 + i) - 500 - (i % 3) * 100;
      expect(await accountItem(t)).toMatchObject({ balance: expected, version: 2 });
      const page = await store.list(t, 100, undefined);
      expect(page.items.reduce((sum, e) => sum + e.amount, 0)).toBe(expected);
    }
    const replay = await store.postMany(fees('2026-01'));
    for (const [i, t] of tenants.entries()) {
      expect(replay.get(t)).toMatchObject({ ok: true, result: { applied: [] } });
      const outcome = replay.get(t);
      expect(outcome?.ok && [...outcome.result.duplicates].sort()).toEqual([
        `${t}#ivr#2026-01`,
        `${t}#min#2026-01`,
        `${t}#rent#2026-01`,
      ]);
      expect((await accountItem(t))?.balance).toBe(100_000 - (1_000 + i) - 500 - (i % 3) * 100);
    }
  });

  it('fails a tenant whose key was posted with another amount alone; the others are charged', async () => {
    const batch = fees('2026-02');
    await store.post([entry('many-3', 'many-3#rent#2026-02', -9_999, 'monthly_rent')]);
    const before = (await accountItem('many-3'))?.balance as number;
    const outcomes = await store.postMany(batch);
    expect(outcomes.get('many-3')).toMatchObject({ ok: false, error: { code: 'idempotency_conflict' } });
    expect((await accountItem('many-3'))?.balance).toBe(before);
    for (const t of tenants.filter((x) => x !== 'many-3'))
      expect(outcomes.get(t)).toMatchObject({ ok: true, result: { duplicates: [] } });
    // A partly posted tenant (a worker died after some entries) gets the rest, the posted ones as duplicates.
    await store.post([entry('many-9', 'many-9#rent#2026-03', -1_009, 'monthly_rent')]);
    const partial = await store.postMany(fees('2026-03').filter((e) => e.tenantId === 'many-9'));
    expect(partial.get('many-9')).toEqual({
      ok: true,
      result: { applied: ['many-9#ivr#2026-03', 'many-9#min#2026-03'], duplicates: ['many-9#rent#2026-03'] },
    });
  });

  it('rejects bad input per tenant and puts an account into arrears with its alert and arrearsSince', async () => {
    const outcomes = await store.postMany([
      entry('many-bad', 'x', 1.5),
      entry('many-poor', 'many-poor#rent', -2_000, 'monthly_rent'),
    ]);
    expect(outcomes.get('many-bad')).toMatchObject({ ok: false, error: { code: 'invalid_amount' } });
    expect(outcomes.get('many-poor')).toMatchObject({ ok: true });
    const poor = await accountItem('many-poor');
    expect(poor).toMatchObject({ balance: 0, owed: 2_000, status: 'arrears' });
    expect(typeof poor?.arrearsSince).toBe('string');
    expect(outbox.sent('many-poor').map((n) => n.kind)).toEqual(['arrears']);
  });
});

describe('LedgerStore crossings at the refusal point of the tariff in force', () => {
  // From T = 1 January 2027 00:00 Shanghai, 4008 payg long distance is 36: the dearest minute becomes
  // 36 + recording 2 = 38 fen (the default tariff's is 30 + 2 = 32).
  const version: TariffVersion = {
    planId: 'payg',
    effectiveFrom: '2027-01-01',
    rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
    description: 'long distance up',
    scheduledAt: '2026-11-20T00:00:00Z',
  };
  const BEFORE_T = '2026-12-30T02:00:00Z';
  const AFTER_T = '2027-01-04T02:00:00Z';
  beforeAll(() =>
    useTariffStore({ list: async () => [{ ...version, scheduledBy: 'op', noticeState: 'done' }] }),
  );
  afterAll(() => useTariffStore());
  const at = async (now: string, post: () => Promise<unknown>) => {
    useClock(new TestClock(now));
    try {
      await post();
    } finally {
      useClock(systemClock);
    }
  };
  // The balance's refusal alerts (the default low-balance threshold sends its own alert too).
  const refusals = (tenantId: string) => outbox.sent(tenantId).filter((n) => n.kind !== 'low_balance');
  const kinds = (tenantId: string) => refusals(tenantId).map((n) => n.kind);

  it('before T: 20 fen is refused, a 15-fen top-up (35) restores service at 32', async () => {
    await at(BEFORE_T, () => store.post([entry('rr-early', 'topup#1', 100)]));
    await at(BEFORE_T, () => store.post([entry('rr-early', 'rent#1', -80, 'monthly_rent')]));
    expect(kinds('rr-early')).toEqual(['arrears']);
    await at(BEFORE_T, () => store.post([entry('rr-early', 'topup#2', 15)]));
    expect(await accountItem('rr-early')).toMatchObject({ balance: 35, balanceRefusalAlerted: false });
    expect(kinds('rr-early')).toEqual(['arrears', 'service_restored']);
  });

  it('after T: the same 15 fen (35) stays refused with no alert; 3 more (38) restore service once', async () => {
    await at(AFTER_T, () => store.post([entry('rr-late', 'topup#1', 100)]));
    await at(AFTER_T, () => store.post([entry('rr-late', 'rent#1', -80, 'monthly_rent')]));
    await at(AFTER_T, () => store.post([entry('rr-late', 'topup#2', 15)]));
    expect(await accountItem('rr-late')).toMatchObject({ balance: 35, balanceRefusalAlerted: true });
    expect(kinds('rr-late')).toEqual(['arrears']);
    await at(AFTER_T, () => store.post([entry('rr-late', 'topup#3', 3)]));
    expect(await accountItem('rr-late')).toMatchObject({ balance: 38, balanceRefusalAlerted: false });
    expect(kinds('rr-late')).toEqual(['arrears', 'service_restored']);
  });

  it('after T: a billing posting (postMany) leaving 35 fen is a crossing into refusal, alerted once', async () => {
    await at(AFTER_T, () => store.post([entry('rr-billed', 'topup#1', 100)]));
    await at(AFTER_T, () => store.postMany([entry('rr-billed', 'rent#1', -65, 'monthly_rent')]));
    // 35 < 38: new calls are refused, so the customer is told (at 32 it would not have been).
    expect(await accountItem('rr-billed')).toMatchObject({ balance: 35, balanceRefusalAlerted: true });
    expect(kinds('rr-billed')).toEqual(['arrears']);
    expect(refusals('rr-billed')[0]).toMatchObject({ params: { rate: '¥0.38' } });
  });
});
