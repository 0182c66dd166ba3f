/**
 * The calls-and-money use cases against fake ports: their branches (rounds, retries, give-ups, alerts)
 * without a database. The stores themselves are tested against the engine (test/integration).
 */
import { describe, expect, it, vi } from 'vitest';
import { publishAlerts } from '../../shared/app/accounts/publish-alerts.js';
import { setSpendCap } from '../../shared/app/accounts/set-spend-cap.js';
import { ingestContactRecords } from '../../shared/app/calls/ingest-contact-records.js';
import { listCalls } from '../../shared/app/calls/list-calls.js';
import { type Account, newAccount } from '../../shared/domain/accounts/account.js';
import type { AccountsPort, StoredAccount } from '../../shared/ports/accounts.js';
import type { CallChargesPort, CallsPort, ChargeRoundResult } from '../../shared/ports/calls.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { Notification } from '../../shared/ports/notifications.js';
import type { AlertOutboxPort } from '../../shared/ports/outbox.js';

const clock = new TestClock('2026-11-24T02:00:00.000Z');
const record = (contactId: string, id = contactId) => ({
  id,
  data: JSON.stringify({
    ContactId: contactId,
    Channel: 'VOICE',
    LastUpdateTimestamp: '2026-11-24T02:20:00Z',
    InitiationTimestamp: '2026-11-24T02:15:00Z',
    DisconnectTimestamp: '2026-11-24T02:18:00Z',
    SystemEndpoint: { Address: '+6560000001' },
  }),
});
const round = (over: Partial<ChargeRoundResult> = {}): ChargeRoundResult => ({
  unchargeable: [],
  parked: 0,
  retry: new Set(),
  charged: 0,
  adjusted: 0,
  stale: 0,
  transactions: 0,
  alerts: [],
  ...over,
});
const alert = (dedupeKey: string): Notification => ({
  tenantId: 't',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥1.00', threshold: '¥50.00' },
  dedupeKey,
});

function ingestDeps(rounds: ((contacts: readonly string[]) => ChargeRoundResult | Error)[]) {
  const seen: string[][] = [];
  const published: Notification[] = [];
  const charges: CallChargesPort = {
    batch: () => ({
      round: async (contacts) => {
        const ids = contacts.map((c) => c.contactId);
        seen.push(ids);
        const next = rounds.shift()?.(ids) ?? round();
        if (next instanceof Error) throw next;
        return next;
      },
    }),
    sweepPendingPostings: async () => ({ applied: 1, alerts: [alert('swept')] }),
  };
  const deps = {
    charges,
    clock,
    publishAlerts: async (alerts: readonly Notification[]) => published.push(...alerts),
    flushAlertOutbox: async () => 0,
    warn: () => undefined,
  };
  return { deps, seen, published };
}

describe('ingestContactRecords', () => {
  it('charges in rounds: only lost races go round again; alerts of the sweep and the charges are published', async () => {
    const { deps, seen, published } = ingestDeps([
      () => round({ charged: 2, transactions: 1, retry: new Set(['b']), alerts: [alert('a1')] }),
      () => round({ charged: 1, transactions: 1 }),
    ]);
    const result = await ingestContactRecords(deps, [
      record('a'),
      record('b'),
      record('c'),
      record('b', 'b2'),
    ]);
    expect(seen).toEqual([['a', 'b', 'c'], ['b']]);
    expect(result).toMatchObject({ charged: 3, transactions: 2, failures: [] });
    expect(published.map((a) => a.dedupeKey)).toEqual(['swept', 'a1']);
  });

  it('fails every delivery of an unchargeable contact, and rejects what cannot be parsed', async () => {
    const { deps } = ingestDeps([() => round({ unchargeable: [{ contactId: 'b', reason: 'not bound' }] })]);
    const result = await ingestContactRecords(deps, [
      record('b', '1'),
      record('b', '2'),
      { id: '3', data: '{' },
    ]);
    expect(result.failures).toEqual([
      { id: '3', reason: 'malformed JSON' },
      { id: '1', reason: 'not bound' },
      { id: '2', reason: 'not bound' },
    ]);
  });

  it('a contact that keeps losing fails after the last round; a failed read retries the round', async () => {
    const losing = () => round({ retry: new Set(['a']) });
    const { deps, seen } = ingestDeps([() => new Error('read failed'), ...Array(6).fill(losing)]);
    const result = await ingestContactRecords(deps, [record('a')]);
    expect(seen).toHaveLength(7);
    expect(result.failures).toEqual([{ id: 'a', reason: 'account busy: transaction kept failing' }]);
  });

  it('a read failing on the last round fails the batch (the stream retries it)', async () => {
    const { deps } = ingestDeps(Array(7).fill(() => new Error('read failed')));
    await expect(ingestContactRecords(deps, [record('a')])).rejects.toThrow('read failed');
  });
});

describe('setSpendCap', () => {
  const store = (saves: boolean[]) => {
    const saved: { next: Account; alerts: readonly Notification[] }[] = [];
    const accounts: AccountsPort = {
      read: async (tenantId): Promise<StoredAccount> => ({
        account: { ...newAccount(tenantId, '2026-11-23'), spendToday: 900, balance: 5_000_000 },
        item: {},
      }),
      save: async (_before, next, alerts) => {
        saved.push({ next, alerts });
        return saves.shift() ?? true;
      },
      callNumbers: async () => [],
    };
    return { accounts, saved };
  };

  it("counts yesterday's spend as nothing today, and retries a lost race", async () => {
    const { accounts, saved } = store([false, true]);
    const published: Notification[] = [];
    const view = await setSpendCap(
      {
        accounts,
        zone: 'Asia/Shanghai',
        publishAlerts: async (a) => published.push(...a),
        refusalRateAt: async () => 32,
      },
      't',
      100,
      clock.now(),
    );
    expect(saved).toHaveLength(2);
    expect(view).toMatchObject({ dailyCap: 100, spendToday: 0, spendDay: '2026-11-24' });
    expect(published).toEqual([]);
  });

  it('gives up with account_busy when the account keeps moving', async () => {
    const { accounts } = store(Array(10).fill(false));
    // The backoff between attempts runs on fake timers.
    vi.useFakeTimers();
    try {
      const outcome = setSpendCap(
        { accounts, zone: 'Asia/Shanghai', publishAlerts: async () => 0, refusalRateAt: async () => 32 },
        't',
        100,
        clock.now(),
      ).catch((error: unknown) => error);
      await vi.runAllTimersAsync();
      expect(await outcome).toMatchObject({ code: 'account_busy' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('publishAlerts', () => {
  it('publishes what it claims, skips what another holds, and leaves a failed publish pending', async () => {
    const log: string[] = [];
    const outbox: AlertOutboxPort = {
      pending: async () => [],
      claim: async (a) => a.dedupeKey !== 'held',
      markSent: async (a, id) => void log.push(`sent ${a.dedupeKey} ${id}`),
      markAttempt: async (a) => void log.push(`attempt ${a.dedupeKey}`),
      park: async (a) => void log.push(`parked ${a.dedupeKey}`),
    };
    const notifications = {
      publish: async (a: Notification) => {
        if (a.dedupeKey === 'bad') throw new Error('SNS down');
        return { messageId: `m-${a.dedupeKey}` };
      },
    };
    const sent = await publishAlerts({ outbox, notifications, clock }, [
      alert('ok'),
      alert('held'),
      alert('bad'),
    ]);
    expect(sent).toBe(1);
    expect(log).toEqual(['sent ok m-ok', 'attempt bad']);
  });
});

describe('listCalls', () => {
  // Tenant t has calls on 4008123456 (kept on its account by ingest).
  const holding = {
    numbers: { get: async () => undefined, history: async () => [] },
    accounts: { callNumbers: async () => ['4008123456'] },
  };
  it('defaults to the last 7 days and refuses a reversed range', async () => {
    const ranges: unknown[] = [];
    const calls: CallsPort = {
      page: async (range) => {
        ranges.push(range);
        return { items: [] };
      },
      forReport: async () => [],
    };
    await listCalls({ calls, ...holding }, { tenantId: 't', number: '4008123456', now: clock.now() });
    expect(ranges[0]).toMatchObject({ from: '2026-11-17T02:00:00.000Z', to: '2026-11-24T02:00:00.000Z' });
    await expect(
      listCalls(
        { calls, ...holding },
        {
          tenantId: 't',
          number: '4008123456',
          from: '2026-11-24T00:00:00Z',
          to: '2026-11-23T00:00:00Z',
          now: clock.now(),
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid_range' });
  });
});
