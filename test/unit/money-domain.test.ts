import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geoRegions } from '../../shared/adapters/dynamo/call-regions.js';
import {
  type Account,
  applyMovements,
  callAllowance,
  newAccount,
  refusalOf,
} from '../../shared/domain/accounts/account.js';
import {
  newestPerContact,
  parseContactBatch,
  parseContactRecord,
} from '../../shared/domain/calls/contact-record.js';
import { dailyReport } from '../../shared/domain/calls/reports.js';
import { chargeCalls } from '../../shared/domain/ledger/call-charges.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { TariffBook } from '../../shared/domain/rating/tariff.js';

const fixture = (name: string) => JSON.parse(readFileSync(`/work/shared/handbook/fixtures/${name}`, 'utf8'));
const DAY = '2026-11-24';
/** The default tariff's dearest minute (4008 payg long distance 30 + recording 2), where a test needs one rate. */
const REFUSAL_RATE = 32;
const MAX_CALL_SECONDS = 4 * 3600;

describe('parseContactRecord', () => {
  it('normalises the fixtures', () => {
    const fwd = parseContactRecord(JSON.stringify(fixture('ctr-forwarded-call.json')));
    expect(fwd).toMatchObject({
      kind: 'call',
      contact: {
        accessNumber: '+6531580001',
        caller: '+8613910001234',
        answerNumber: '+861058881234',
        recordingSeconds: 0,
      },
    });
    const upd = parseContactRecord(fixture('ctr-forwarded-call-update.json'));
    expect(upd).toMatchObject({ kind: 'call', contact: { recordingSeconds: 262 } });
    expect(parseContactRecord(fixture('ctr-agent-answered.json'))).toMatchObject({
      kind: 'call',
      contact: { answeredBy: 'acme.li.wei', answerNumber: undefined, ivr: true },
    });
    expect(parseContactRecord(fixture('ctr-abandoned-in-queue.json'))).toMatchObject({
      kind: 'call',
      contact: { answeredMs: undefined },
    });
    expect(parseContactRecord(fixture('ctr-chat.json'))).toMatchObject({ kind: 'ignored' });
    // As the stream delivers it: UTF-8 bytes.
    expect(parseContactRecord(Buffer.from(JSON.stringify(fixture('ctr-forwarded-call.json'))))).toEqual(fwd);
    expect(parseContactRecord(Buffer.from('{"ContactId":'))).toEqual({
      kind: 'rejected',
      reason: 'malformed JSON',
    });
  });

  it('parses a batch: the newest record of each contact, every delivery id kept for failures', () => {
    const first = fixture('ctr-forwarded-call.json');
    const update = fixture('ctr-forwarded-call-update.json');
    const batch = parseContactBatch([
      { id: '1', data: Buffer.from(JSON.stringify(update)) },
      { id: '2', data: JSON.stringify(first) },
      { id: '3', data: 'not json' },
      { id: '4', data: fixture('ctr-chat.json') },
    ]);
    expect(batch.newest.map((c) => c.lastUpdatedAt)).toEqual([
      new Date(Date.parse(String(update.LastUpdateTimestamp))).toISOString(),
    ]);
    expect(batch.idsByContact.get(String(first.ContactId))).toEqual(['1', '2']);
    expect(batch.rejected).toEqual([{ id: '3', reason: 'malformed JSON' }]);
    expect(batch.ignored).toBe(1);
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.anything()), (raw) => {
        const result = parseContactRecord(raw);
        expect(['call', 'ignored', 'rejected']).toContain(result.kind);
      }),
      { numRuns: 1000 },
    );
    const base = fixture('ctr-forwarded-call.json');
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...Object.keys(base)), fc.oneof(fc.constant(null), fc.jsonValue())),
        (patch) => {
          expect(['call', 'ignored', 'rejected']).toContain(parseContactRecord({ ...base, ...patch }).kind);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps the newest record per contact', () => {
    const a = parseContactRecord(fixture('ctr-forwarded-call.json'));
    const b = parseContactRecord(fixture('ctr-forwarded-call-update.json'));
    if (a.kind !== 'call' || b.kind !== 'call') throw new Error('fixtures');
    expect(newestPerContact([b, a])).toEqual([b]);
  });
});

describe('account movements', () => {
  const movementArb = fc.record({
    amount: fc.integer({ min: -20_000, max: 20_000 }),
    spend: fc.option(
      fc.record({
        amount: fc.integer({ min: 0, max: 5_000 }),
        day: fc.constantFrom('2026-11-23', DAY, '2026-11-25'),
      }),
      { nil: undefined },
    ),
  });

  it('balance − owed moves by exactly the sum of movements; the floor holds; alerts fire once per crossing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(fc.array(movementArb, { maxLength: 5 }), { maxLength: 20 }),
        // Whatever the tariff in force: the invariants hold at any refusal rate.
        fc.integer({ min: 1, max: 500 }),
        (opening, batches, rate) => {
          let account: Account = { ...newAccount('t', DAY), balance: opening, dailyCap: 3_000 };
          let expected = opening;
          let arrearsAlerts = 0;
          let restoredAlerts = 0;
          // Balance alerts alternate, stopped then restored: once per crossing of the refusal point.
          let lastBalanceAlert: string | undefined;
          const capDays = new Set<string>();
          for (const batch of batches) {
            const before = account;
            const step = applyMovements(account, batch, rate);
            account = step.account;
            expected += batch.reduce((s, m) => s + m.amount, 0);
            expect(account.balance - account.owed).toBe(expected);
            expect(account.balance).toBeGreaterThanOrEqual(0);
            expect(account.owed).toBeGreaterThanOrEqual(0);
            expect(account.balance > 0 ? account.owed : 0).toBe(0);
            for (const c of step.crossings.filter(
              (c) => c.kind === 'arrears' || c.kind === 'service_restored',
            )) {
              expect(c.kind).not.toBe(lastBalanceAlert ?? 'service_restored');
              lastBalanceAlert = c.kind;
            }
            // After a movement that took money, calls refused for the balance means the customer was told.
            const tookMoney = account.balance - account.owed < before.balance - before.owed;
            if (tookMoney && refusalOf(account, account.spendDay, rate) === 'balance')
              expect(account.balanceRefusalAlerted).toBe(true);
            arrearsAlerts += step.crossings.filter((c) => c.kind === 'arrears').length;
            restoredAlerts += step.crossings.filter((c) => c.kind === 'service_restored').length;
            for (const c of step.crossings.filter((c) => c.kind === 'spend_cap_reached')) {
              expect(capDays.has(c.dedupeKey)).toBe(false);
              capDays.add(c.dedupeKey);
            }
          }
          expect(arrearsAlerts - restoredAlerts).toBe(account.balanceRefusalAlerted ? 1 : 0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bounds the routing decision by balance and what is left under the cap', () => {
    const account = { ...newAccount('t', DAY), balance: 10_000, dailyCap: 2_000, spendToday: 1_700 };
    expect(callAllowance(account, DAY, 30, MAX_CALL_SECONDS, REFUSAL_RATE)).toEqual({
      allowed: true,
      maxDurationSeconds: 600,
    });
    expect(callAllowance({ ...account, spendToday: 2_000 }, DAY, 30, MAX_CALL_SECONDS, REFUSAL_RATE)).toEqual(
      {
        allowed: false,
        reason: 'spend_cap_reached',
      },
    );
    expect(
      callAllowance({ ...account, spendToday: 2_000 }, '2026-11-25', 30, MAX_CALL_SECONDS, REFUSAL_RATE),
    ).toMatchObject({
      allowed: true,
    });
    expect(
      callAllowance({ ...account, balance: 0, status: 'arrears' }, DAY, 30, MAX_CALL_SECONDS, REFUSAL_RATE),
    ).toEqual({
      allowed: false,
      reason: 'arrears',
    });
    expect(
      callAllowance(
        { ...account, balance: 20, dailyCap: undefined },
        DAY,
        30,
        MAX_CALL_SECONDS,
        REFUSAL_RATE,
      ),
    ).toEqual({
      allowed: false,
      reason: 'insufficient_balance',
    });
  });
});

describe('chargeCalls (pure)', () => {
  const book = new TariffBook(DEFAULT_TARIFF);
  const ctx = { bookAt: () => book, regions: geoRegions };
  const at = { nowMs: Date.parse('2026-11-24T12:00:00Z'), refusalRatePerMinute: REFUSAL_RATE };
  const contact = (name: string) => {
    const p = parseContactRecord(fixture(name));
    if (p.kind !== 'call') throw new Error(name);
    return {
      contact: p.contact,
      number: '4008123456',
      accessNumber: '+6531580001',
      segment: '4008',
      plan: undefined,
    };
  };

  it('charges new calls, adjusts updated ones and skips stale ones', () => {
    const account = { ...newAccount('acme', DAY), balance: 10_000 };
    const first = chargeCalls(account, [contact('ctr-forwarded-call.json')], new Map(), ctx, at);
    // Beijing mobile → Beijing fixed line: local, 5 minutes × 15 fen.
    expect(first.account.balance).toBe(10_000 - 75);
    const existing = new Map(first.writes.map((w) => [w.record.contactId, w.record]));
    const update = chargeCalls(first.account, [contact('ctr-forwarded-call-update.json')], existing, ctx, at);
    expect(update.writes[0]).toMatchObject({ kind: 'update', adjustment: 10 });
    expect(update.account.balance).toBe(10_000 - 85);
    const stale = chargeCalls(first.account, [contact('ctr-forwarded-call.json')], existing, ctx, at);
    expect(stale).toMatchObject({
      stale: [first.writes[0]?.record.contactId],
      writes: [],
      accountChanged: false,
    });
  });

  it('uses the included seconds its bucket allocated first (business plan: 600 minutes a month)', () => {
    const account = { ...newAccount('acme', DAY), balance: 10_000 };
    const c = {
      ...contact('ctr-forwarded-call.json'),
      plan: 'business',
      freeSeconds: 120,
      allowanceKey: '2026-11#number#4008123456',
    };
    const result = chargeCalls(account, [c], new Map(), ctx, at);
    // 5 billed minutes (local), 2 of them included: 3 × 13 fen.
    expect(result.writes[0]?.record).toMatchObject({
      includedSecondsUsed: 120,
      amount: 39,
      allowanceKey: '2026-11#number#4008123456',
      tariffVersion: DEFAULT_TARIFF.version,
    });
  });

  it('never moves the spend day past today: a call starting just after midnight counts toward today', () => {
    // 23:58 Shanghai on the 24th (15:58Z); the call starts 3 minutes later, on the 25th (within tolerance).
    const account = { ...newAccount('acme', DAY), balance: 10_000, dailyCap: 500, spendToday: 100 };
    const c = contact('ctr-forwarded-call.json');
    const shifted = {
      ...c,
      contact: {
        ...c.contact,
        startedMs: Date.parse('2026-11-24T16:01:00Z'),
        startedAt: '2026-11-24T16:01:00.000Z',
        answeredMs: Date.parse('2026-11-24T16:01:10Z'),
        endedMs: Date.parse('2026-11-24T16:02:10Z'),
      },
    };
    const result = chargeCalls(account, [shifted], new Map(), ctx, {
      nowMs: Date.parse('2026-11-24T15:58:00Z'),
      refusalRatePerMinute: REFUSAL_RATE,
    });
    // 1 minute local at 15 fen, night band (00:01 local): 30% off → 10.5 → 11 fen, counted on the 24th.
    expect(result.account).toMatchObject({ spendDay: DAY, spendToday: 111 });
  });
});

describe('dailyReport', () => {
  it('counts volume, answered vs missed, durations, regions and busiest hours in the business zone', () => {
    const calls = [
      {
        startedAt: '2026-11-24T02:00:00Z',
        missed: false,
        durationSeconds: 20,
        amount: 15,
        callerRegion: '北京市',
      },
      {
        startedAt: '2026-11-24T02:30:00Z',
        missed: false,
        durationSeconds: 400,
        amount: 105,
        callerRegion: '北京市',
      },
      {
        startedAt: '2026-11-24T17:00:00Z',
        missed: true,
        durationSeconds: 0,
        amount: 0,
        callerRegion: '上海市',
      },
    ];
    const report = dailyReport(calls, '2026-11-24', '2026-11-25', 'Asia/Shanghai');
    expect(report.days).toEqual([
      { day: '2026-11-24', calls: 2, answered: 2, missed: 0, talkSeconds: 420, charge: 120 },
      { day: '2026-11-25', calls: 1, answered: 0, missed: 1, talkSeconds: 0, charge: 0 },
    ]);
    expect(report.durations.find((d) => d.bucket === '<30s')?.calls).toBe(1);
    expect(report.durations.find((d) => d.bucket === '5-10m')?.calls).toBe(1);
    expect(report.callerRegions[0]).toEqual({ region: '北京市', calls: 2 });
    expect(report.busiestHours[0]).toEqual({ hour: 10, calls: 2 });
  });
});

describe('deferred postings', () => {
  it('applying chunk postings to the account equals charging the chunks directly', async () => {
    const { applyPostings, postingOf } = await import('../../shared/domain/ledger/postings.js');
    const movementArb = fc.record({
      amount: fc.integer({ min: -3_000, max: 500 }),
      spend: fc.option(
        fc.record({
          amount: fc.integer({ min: -200, max: 3_000 }),
          day: fc.constantFrom('2026-11-23', DAY, '2026-11-25'),
        }),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.array(movementArb, { maxLength: 6 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 500 }),
        (opening, chunks, rate) => {
          const start: Account = {
            ...newAccount('t', DAY),
            balance: opening,
            dailyCap: 5_000,
            includedMonth: '2026-11',
            includedSecondsUsed: 60,
          };
          let direct = start;
          const postings = chunks.map((movements, k) => {
            const before = direct;
            direct = applyMovements(direct, movements, rate).account;
            direct = { ...direct, includedSecondsUsed: direct.includedSecondsUsed + 30 };
            return postingOf(`p#${k}`, before, direct, movements, movements.length);
          });
          const deferred = applyPostings(start, postings, rate).account;
          expect(deferred.balance - deferred.owed).toBe(direct.balance - direct.owed);
          expect(deferred.spendDay).toBe(direct.spendDay);
          expect(deferred.includedSecondsUsed).toBe(direct.includedSecondsUsed);
          expect(deferred.balance).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
