/**
 * Issue 13 items 1 and 6 on the local runtime with its test clock: money that comes in decides "service
 * restored" at the refusal point of the tariff in force, the rate call setup and `/v1/account` use.
 * Figures by hand:
 * - Default tariff: the dearest minute is 4008 payg long distance 30 + recording 2 = 32 fen.
 * - A stored version raises 4008 payg long distance to 36 from T = 1 January 2027 00:00 Shanghai
 *   (2026-12-31T16:00Z): the dearest minute becomes 36 + 2 = 38 fen.
 * - Each tenant starts refused for its balance, already told ("balance exhausted" sent before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, payIn, startLocalApi } from '../support/local-api.js';
import { seedActiveLine } from '../support/seeded-lines.js';

const CALLER = '+862161234567';
const LINES = {
  'early-credit': { number: '4008300001', access: '+6531588001' },
  'late-credit': { number: '4008300002', access: '+6531588002' },
  'late-pay': { number: '4008300003', access: '+6531588003' },
} as const;
type Tenant = keyof typeof LINES;

let api: LocalApi;
let operator: string;
const admins = {} as Record<Tenant, string>;

/** A tenant with one active number, refused for its balance and already told so. */
async function seedTenant(tenantId: Tenant, account: Record<string, unknown>) {
  await seedActiveLine({
    tenantId,
    ...LINES[tenantId],
    account: {
      spendDay: '2026-11-23',
      spendToday: 0,
      alertEmails: [`${tenantId}@example.cn`],
      balanceRefusalAlerted: true,
      ...account,
    },
  });
}

const setClock = (now: string) => api.setClock(now);

async function credit(tenantId: Tenant, amount: number, key: string) {
  const res = await api.request('POST', `/v1/accounts/${tenantId}/credits`, {
    token: operator,
    body: { kind: 'manual', amount, reason: 'goodwill' },
    headers: { 'idempotency-key': key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function account(tenantId: Tenant) {
  const res = await api.get('/v1/account', admins[tenantId]);
  expect(res.status).toBe(200);
  return res.body;
}

async function restoredAlerts(tenantId: Tenant) {
  const outbox = await api.get(`/local/outbox?tenantId=${tenantId}`);
  return outbox.body.items.filter((m: { kind: string }) => m.kind === 'service_restored');
}

/** Call setup: a simulated call through the generated flow and the real route-call handler. */
async function setup(tenantId: Tenant, at: string) {
  const res = await api.post('/local/calls', { to: LINES[tenantId].number, caller: CALLER, at });
  expect(res.status).toBe(200);
  return res.body.outcome as { kind: string; reason: string };
}

beforeAll(async () => {
  // Monday 23 November 2026, 10:00 Shanghai: more than 30 days before T, so the version can be scheduled.
  api = await startLocalApi({ seed: false, clockAt: '2026-11-23T02:00:00Z' });
  operator = await api.token(undefined, ['operator']);
  const version = {
    planId: 'payg',
    effectiveFrom: '2027-01-01',
    rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 36 } },
  };
  expect((await api.post('/v1/tariffs', version, operator)).status).toBe(201);
  // Past the minute a process keeps the versions it read.
  await setClock('2026-11-23T02:05:00Z');
  await seedTenant('early-credit', { balance: 20, owed: 0, status: 'active' });
  await seedTenant('late-credit', { balance: 20, owed: 0, status: 'active' });
  await seedTenant('late-pay', { balance: 0, owed: 62, status: 'arrears' });
  for (const tenantId of Object.keys(LINES) as Tenant[]) {
    admins[tenantId] = await api.token(tenantId, ['tenant-admin']);
    const { number } = LINES[tenantId];
    const routing = { answerNumbers: [{ id: 'front', number: '010-58881234' }] };
    expect((await api.put(`/v1/numbers/${number}/routing`, routing, admins[tenantId])).status).toBe(200);
    // Applied before T: the snapshot carries both rate steps (32 until T, 38 from T).
    const applied = await api.post(`/v1/numbers/${number}/routing/apply`, undefined, admins[tenantId]);
    expect(applied.status).toBe(202);
    expect(applied.body.status).toBe('applied');
  }
}, 120_000);
afterAll(async () => api?.stop());

describe('money coming in restores service at the refusal point of the tariff in force', () => {
  it('before T (32 fen): a 15-fen credit to a balance of 20 restores service, once', async () => {
    // Wednesday 30 December 2026, 10:00 Shanghai.
    const at = '2026-12-30T02:00:00Z';
    await setClock(at);
    expect(await account('early-credit')).toMatchObject({ balance: 20, callsRefusedFor: 'balance' });
    await credit('early-credit', 15, 'early-credit-15');
    // 35 ≥ 32: calls taken again, one "service restored".
    expect(await account('early-credit')).toMatchObject({ balance: 35, callsRefusedFor: null });
    expect(await restoredAlerts('early-credit')).toHaveLength(1);
    expect((await setup('early-credit', at)).kind).toBe('transferred');
  });

  it('after T (38 fen): the same credit leaves calls refused and sends nothing; 38 fen restores', async () => {
    // Monday 4 January 2027, 10:00 Shanghai.
    const at = '2027-01-04T02:00:00Z';
    await setClock(at);
    await credit('late-credit', 15, 'late-credit-15');
    // 35 < 38: still refused, and /v1/account, call setup and the alerts agree.
    expect(await account('late-credit')).toMatchObject({ balance: 35, callsRefusedFor: 'balance' });
    expect(await restoredAlerts('late-credit')).toHaveLength(0);
    expect(await setup('late-credit', at)).toMatchObject({ kind: 'message', reason: 'insufficient_balance' });
    // 3 more: 38 pays one 38-fen minute → restored, once.
    await credit('late-credit', 3, 'late-credit-3');
    expect(await account('late-credit')).toMatchObject({ balance: 38, callsRefusedFor: null });
    expect(await restoredAlerts('late-credit')).toHaveLength(1);
    expect((await setup('late-credit', at)).kind).toBe('transferred');
  });

  it('after T: a payment that pays the debt and leaves 38 fen restores service with exactly one alert', async () => {
    const at = '2027-01-04T02:10:00Z';
    await setClock(at);
    expect(await setup('late-pay', at)).toMatchObject({ kind: 'message', reason: 'arrears' });
    // 100 in: 62 pays what is owed, 38 stays on the balance.
    await payIn(api, admins['late-pay'], 100, 'late-pay-100');
    expect(await account('late-pay')).toMatchObject({
      balance: 38,
      owed: 0,
      status: 'active',
      callsRefusedFor: null,
    });
    expect(await restoredAlerts('late-pay')).toHaveLength(1);
    expect((await setup('late-pay', at)).kind).toBe('transferred');
  });
});
