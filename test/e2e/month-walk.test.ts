/**
 * Issue 13, "Invariants, as tests": one customer walked across a month boundary (January → February 2027,
 * Asia/Shanghai) with two numbers, a late record, a future-dated record, a cap crossing and a balance
 * exhaustion. Every charge is a figure worked out by hand below.
 *
 * Rates (shared/domain/rating/default-tariff.ts): both numbers are 4008 on the `basic` plan, 100 included
 * minutes per number and month; long distance 30 fen a minute (the callers are in Shanghai, the answer
 * number in Beijing), billed by the started minute; no recording, no IVR. Every call is answered on a
 * weekday between 10:00 and 20:00 Shanghai, so no off-peak band applies.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { capability as payments } from '../../infra/local/capabilities/payments.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { answeredCall, bindNumbers, callItem, ledgerSum } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

const A = { number: '4008200001', access: '+6531589001' };
const B = { number: '4008200002', access: '+6531589002' };

let api: LocalApi;
let admin: string;
let viewer: string;

beforeAll(async () => {
  // Friday 29 January 2027, 08:00 Shanghai: both numbers are the demo tenant's before any call.
  api = await startLocalApi({ capabilities: [money, payments], clockAt: '2027-01-29T00:00:00Z' });
  admin = await api.token('demo', ['tenant-admin']);
  viewer = await api.token('demo', ['tenant-viewer']);
  await bindNumbers([
    { tenantId: 'demo', number400: A.number, accessNumber: A.access, planId: 'basic' },
    { tenantId: 'demo', number400: B.number, accessNumber: B.access, planId: 'basic' },
  ]);
});
afterAll(async () => {
  await api?.stop();
});

/** A call answered at `answeredAt` lasting `seconds`, its ContactId named for the test. */
const call = (line: { access: string }, contactId: string, answeredAt: string, seconds: number) =>
  answeredCall(line.access, { contactId, answeredAt, seconds });

async function ingest(...records: Record<string, unknown>[]) {
  const res = await api.post('/local/contact-records', records, admin);
  expect(res.status).toBe(202);
  expect(res.body.parked).toBe(0);
  return res.body;
}

async function account() {
  const res = await api.get('/v1/account', viewer);
  expect(res.status).toBe(200);
  return res.body;
}

async function charged(contactId: string) {
  const item = await callItem(contactId);
  // `amount`: the call's charge in total, after any re-settlement (its first posting plus adjustments).
  expect(item?.tariffVersion).toBe('2026-11-01');
  return { amount: item?.amount, allowance: item?.allowanceKey, free: item?.includedSecondsUsed };
}

async function alerts(kind: string) {
  const outbox = await api.get('/local/outbox?tenantId=demo');
  return outbox.body.items.filter((m: { kind: string }) => m.kind === kind);
}

describe('one customer across a month boundary with two numbers', () => {
  it('walks January → February 2027 and charges every call as worked out by hand', async () => {
    // Money in: the demo opening balance 50,000 + a verified Alipay payment of 10,000 = 60,000.
    const order = await api.request('POST', '/v1/payments', {
      token: admin,
      body: { amount: 10_000, channel: 'alipay' },
      headers: { 'idempotency-key': 'month-walk-pay-1' },
    });
    expect(order.status).toBe(201);
    expect((await api.post(`/local/payments/${order.body.orderId}/pay`, {})).status).toBe(200);
    expect((await account()).balance).toBe(60_000);

    // --- Month 1: Friday 29 January 2027, clock at 12:00 Shanghai. ---
    await api.setClock('2027-01-29T04:00:00Z');
    // One call first, to check the arithmetic: B1 on B, 130 min from 10:00 → 130 billed, 100 included,
    // 30 × 30 = 900 fen.
    await ingest(call(B, 'b1', '2027-01-29T02:00:00Z', 130 * 60));
    expect(await charged('b1')).toEqual({ amount: 900, allowance: '2027-01#number#4008200002', free: 6000 });
    expect((await account()).balance).toBe(59_100); // 60,000 − 900
    // A1 on A, 60 min 30 s from 10:00 → 61 billed (rounded up), all included (A has 100 − 61 = 39 left): 0.
    // A2 on A, 29 min 10 s from 10:30 → 30 billed, all included (A has 39 − 30 = 9 left): 0.
    // B's minutes are B's alone: A's calls take nothing from B, B1 took nothing from A.
    await ingest(call(A, 'a1', '2027-01-29T02:00:00Z', 3630), call(A, 'a2', '2027-01-29T02:30:00Z', 1750));
    expect(await charged('a1')).toMatchObject({ amount: 0, free: 61 * 60 });
    expect(await charged('a2')).toMatchObject({ amount: 0, free: 30 * 60 });
    expect(await account()).toMatchObject({ balance: 59_100, spendDay: '2027-01-29', spendToday: 900 });

    // --- Month 2: Monday 1 February 2027, clock at 12:00 Shanghai. Fresh allowances per number. ---
    await api.setClock('2027-02-01T04:00:00Z');
    // A3 on A, 40 min from 10:00: February's 100 included → 0 (60 left).
    // B2 on B, 110 min 1 s from 10:00 → 111 billed, 100 included, 11 × 30 = 330.
    await ingest(call(A, 'a3', '2027-02-01T02:00:00Z', 40 * 60), call(B, 'b2', '2027-02-01T02:00:00Z', 6601));
    expect(await charged('a3')).toEqual({ amount: 0, allowance: '2027-02#number#4008200001', free: 2400 });
    expect(await charged('b2')).toEqual({ amount: 330, allowance: '2027-02#number#4008200002', free: 6000 });
    expect(await account()).toMatchObject({ balance: 58_770, spendDay: '2027-02-01', spendToday: 330 }); // 59,100 − 330

    // A late record of January, ingested after February's calls: L on A, 15 min from 29 Jan 13:00. It takes
    // the 9 minutes A has left in JANUARY (not February's 60): 6 × 30 = 180. It does not count toward
    // today's (1 February) spend.
    await ingest(call(A, 'late', '2027-01-29T05:00:00Z', 15 * 60));
    expect(await charged('late')).toEqual({ amount: 180, allowance: '2027-01#number#4008200001', free: 540 });
    expect(await account()).toMatchObject({ balance: 58_590, spendDay: '2027-02-01', spendToday: 330 }); // 58,770 − 180
    // A second late record of January, starting BEFORE A2: L2 on A, 10 min from 29 Jan 10:15. A's January
    // minutes go in call-start order: A1 61 (10:00), L2 10 (10:15), A2 29 of its 30 (10:30), L 0 of 15
    // (13:00). L2 costs 0; A2 is re-settled to 1 × 30 = 30 (+30) and L to 15 × 30 = 450 (+270): −300 in all,
    // on January's day, so today's spend stays 330.
    await ingest(call(A, 'late2', '2027-01-29T02:15:00Z', 10 * 60));
    expect(await charged('late2')).toEqual({ amount: 0, allowance: '2027-01#number#4008200001', free: 600 });
    expect(await charged('a2')).toMatchObject({ amount: 30, free: 29 * 60 });
    expect(await charged('late')).toMatchObject({ amount: 450, free: 0 });
    expect(await account()).toMatchObject({ balance: 58_290, spendDay: '2027-02-01', spendToday: 330 }); // 58,590 − 300

    // A future-dated record: F on A, starting about an hour after the clock (beyond the 5-minute tolerance).
    // Parked for review: no charge, no call, the spend day unchanged.
    await ingest(call(A, 'future', '2027-02-01T05:00:00Z', 10 * 60));
    expect(await callItem('future')).toBeUndefined();
    const { Item: parked } = await dynamo().send(
      new GetCommand({ TableName: tableName('ledger'), Key: { pk: 'PARKED#future', sk: 'PARKED' } }),
    );
    expect(parked).toMatchObject({ type: 'parked_record', code: 'starts_in_future' });
    expect(await account()).toMatchObject({ balance: 58_290, spendDay: '2027-02-01', spendToday: 330 });

    // --- Cap crossing, 1 February: cap ¥10.00 = 1,000 fen; the refusal point is spend + 32 (one minute at
    // the worst rate: 4008 long distance 30 + recording 2) > 1,000.
    expect((await api.put('/v1/account/spend-cap', { dailyCap: 1_000 }, admin)).status).toBe(200);
    // C1 on B (February's minutes used up), 20 min from 10:30: 20 × 30 = 600. Spend 930; 930 + 32 = 962 ≤ 1,000.
    await ingest(call(B, 'c1', '2027-02-01T02:30:00Z', 20 * 60));
    expect((await charged('c1')).amount).toBe(600);
    expect(await account()).toMatchObject({
      balance: 57_690, // 58,290 − 600
      spendToday: 930,
      capReachedToday: false,
      callsRefusedFor: null,
    });
    expect(await alerts('spend_cap_reached')).toHaveLength(0);
    // C2 on B, 3 min: 90. Spend 1,020 > 1,000 → new calls refused for the cap, one alert.
    await ingest(call(B, 'c2', '2027-02-01T03:00:00Z', 3 * 60));
    expect((await charged('c2')).amount).toBe(90);
    expect(await account()).toMatchObject({
      balance: 57_600, // 57,690 − 90
      spendToday: 1_020,
      capReachedToday: true,
      callsRefusedFor: 'spend_cap',
    });
    // C3 on B, 1 min (a call already in progress when the cap was reached): 30, and still one alert.
    await ingest(call(B, 'c3', '2027-02-01T03:10:00Z', 60));
    expect((await charged('c3')).amount).toBe(30);
    expect(await account()).toMatchObject({
      balance: 57_570,
      spendToday: 1_050,
      callsRefusedFor: 'spend_cap',
    });
    const capAlerts = await alerts('spend_cap_reached');
    expect(capAlerts).toHaveLength(1);
    expect(capAlerts[0]).toMatchObject({ params: { spend: '¥10.20', cap: '¥10.00', rate: '¥0.32' } });

    // --- Balance exhaustion: Tuesday 2 February 2027, cap lifted, clock at 21:00 Shanghai. ---
    await api.setClock('2027-02-02T13:00:00Z');
    expect((await api.put('/v1/account/spend-cap', { dailyCap: null }, admin)).status).toBe(200);
    // E1–E3 on B, 600 min each from 10:00 to 20:00 (all peak): 3 × 600 × 30 = 54,000. Balance 3,570 ≥ 32:
    // calls still taken.
    const tenHours = 600 * 60;
    await ingest(
      call(B, 'e1', '2027-02-02T02:00:00Z', tenHours),
      call(B, 'e2', '2027-02-02T02:00:00Z', tenHours),
      call(B, 'e3', '2027-02-02T02:00:00Z', tenHours),
    );
    for (const id of ['e1', 'e2', 'e3']) expect((await charged(id)).amount).toBe(18_000);
    expect(await account()).toMatchObject({ balance: 3_570, owed: 0, callsRefusedFor: null });
    expect(await alerts('arrears')).toHaveLength(0);
    // E4, the same: 18,000 takes the 3,570 left and owes 14,430 → refused for the balance, one arrears alert.
    await ingest(call(B, 'e4', '2027-02-02T02:00:00Z', tenHours));
    expect((await charged('e4')).amount).toBe(18_000);
    expect(await account()).toMatchObject({
      balance: 0,
      owed: 14_430,
      status: 'arrears',
      capReachedToday: false,
      callsRefusedFor: 'balance',
    });
    // E5 on A (February: 60 included left), 70 min from 11:00: 60 included, 10 × 30 = 300 more owed: 14,730.
    await ingest(call(A, 'e5', '2027-02-02T03:00:00Z', 70 * 60));
    expect(await charged('e5')).toEqual({ amount: 300, allowance: '2027-02#number#4008200001', free: 3600 });
    expect(await account()).toMatchObject({ balance: 0, owed: 14_730, callsRefusedFor: 'balance' });
    expect(await alerts('arrears')).toHaveLength(1);
    expect(await alerts('spend_cap_reached')).toHaveLength(1);

    // --- The end: every call's charge as worked out, and the ledger adds up. ---
    const expected: Record<string, number> = {
      a1: 0,
      a2: 30,
      b1: 900,
      a3: 0,
      b2: 330,
      late: 450,
      late2: 0,
      c1: 600,
      c2: 90,
      c3: 30,
      e1: 18_000,
      e2: 18_000,
      e3: 18_000,
      e4: 18_000,
      e5: 300,
    };
    for (const [id, amount] of Object.entries(expected))
      expect([id, (await charged(id)).amount]).toEqual([id, amount]);
    // 30 + 900 + 330 + 450 + 600 + 90 + 30 + 4 × 18,000 + 300 = 74,730 charged; 60,000 − 74,730 = −14,730.
    const callTotal = Object.values(expected).reduce((s, a) => s + a, 0);
    expect(callTotal).toBe(74_730);
    const final = await account();
    expect(final).toMatchObject({ balance: 0, owed: 14_730 });
    // Ledger entries: opening 50,000 + payment 10,000, the 11 calls that posted a charge (free calls post
    // nothing) and the 2 re-settlement adjustments (A2, L).
    const { sum, count } = await ledgerSum('demo');
    expect(sum).toBe(final.balance - final.owed);
    expect(sum).toBe(50_000 + 10_000 - 74_730);
    expect(count).toBe(2 + 11 + 2);
  });
});
