/**
 * Fourteen months of one tenant's billing replayed on the local runtime: jobs run over HTTP as if it were
 * each day, incidents and statements through the API. Contracts, calls and top-ups are written the way
 * the numbers and money capabilities store them (their own routes are exercised in their own tests).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { addDays, monthBounds, nextMonth, startOfLocalDate } from '../../shared/domain/billing/calendar.js';
import { ledger as ledgerPort } from '../../shared/runtime/ledger.js';
import { ledgerOf, seedContract } from '../support/billing-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

const ZONE = 'Asia/Shanghai';
const TENANT = 'replay-co';
const NUMBER = '4008800123';
const MONTHS = [
  '2025-01',
  '2025-02',
  '2025-03',
  '2025-04',
  '2025-05',
  '2025-06',
  '2025-07',
  '2025-08',
  '2025-09',
  '2025-10',
  '2025-11',
  '2025-12',
  '2026-01',
  '2026-02',
];
const LOW_USAGE_MONTH = '2025-04';
const SUSPENDED_MONTH = '2025-06';
const INCIDENT_MONTH = '2025-08';
const RENT = 26_400;
const MINIMUM = 10_000;
const RETENTION = 1_500;
const RECORDING_FEE = 2_000;

let api: LocalApi;
let tenantToken: string;
let operatorToken: string;

const at = (date: string, time = '00:10') =>
  new Date(
    startOfLocalDate(date, ZONE).getTime() + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3))) * 60_000,
  ).toISOString();

async function job(name: string, instant: string) {
  const res = await api.post(`/local/jobs/${name}`, { at: instant });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result;
}

async function ledger() {
  return (await ledgerOf(TENANT)).sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function history(atInstant: string, from: string, to: string) {
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${NUMBER}`,
        sk: `HIST#${atInstant}#00000001`,
        type: 'number_history',
        at: atInstant,
        from,
        to,
        command: to === 'suspended' ? 'suspend' : 'resume',
        actor: TENANT,
      },
    }),
  );
}

async function replayMonth(month: string) {
  // Calls: 30 of 600 fen each, except one month of 5 small calls (below the minimum).
  const calls = month === LOW_USAGE_MONTH ? 5 : month === SUSPENDED_MONTH ? 0 : 30;
  const first = month === '2025-01' ? 16 : 1;
  const entries = Array.from({ length: calls }, (_, i) => ({
    tenantId: TENANT,
    key: `call#${month}-${i}`,
    kind: 'call' as const,
    amount: month === LOW_USAGE_MONTH ? -500 : -600,
    at: at(`${month}-${String(first + (i % 10)).padStart(2, '0')}`, '10:00'),
    description: 'call',
    number: NUMBER,
    meta: { billedSeconds: 120 },
  }));
  entries.push({
    tenantId: TENANT,
    key: `topup#${month}`,
    kind: 'top_up' as never,
    amount: 60_000,
    at: at(`${month}-${String(first).padStart(2, '0')}`, '09:00'),
    description: 'Top-up',
    number: undefined as never,
    meta: undefined as never,
  });
  await ledgerPort().post(entries);
  // Every day of the month: the contract-terms job at 01:00; the monthly job on the 1st of the next month.
  const { days, from } = monthBounds(month, ZONE);
  for (let d = 0; d < days; d++) await job('billing-contracts', at(addDays(from, d), '01:00'));
  await job('billing-monthly', at(`${nextMonth(month)}-01`));
}

beforeAll(async () => {
  api = await startLocalApi({ seed: false, clockAt: at(`${MONTHS[0]}-01`) });
  tenantToken = await api.token(TENANT, ['tenant-viewer']);
  operatorToken = await api.token(undefined, ['operator']);
  await seedContract({
    tenantId: TENANT,
    number: NUMBER,
    contractId: 'ctr-replay',
    planId: 'business',
    monthlyRent: RENT,
    minimumSpend: MINIMUM,
    retentionFee: RETENTION,
    valueAdded: [{ code: 'recording', monthlyFee: RECORDING_FEE }],
    serviceFrom: '2025-01-16',
    termStart: '2025-01-16',
    termEnd: '2026-01-16',
    termMonths: 12,
    autoRenew: true,
  });
  // From the first instant of 1 June: June gives no service on any day (a day it served is a rent day).
  await history(at('2025-06-01', '00:00'), 'active', 'suspended');
  await history(at('2025-07-01', '08:00'), 'suspended', 'active');
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('fourteen months of billing on the local runtime', () => {
  it('replays activation, true-up, suspension, SLA credit and renewal, with statements that add up', async () => {
    for (const month of MONTHS) {
      // The runtime's clock stands at the end of the month replayed (its jobs run at their own instants):
      // the August incident is recorded after it ended, never judged by the day the test runs.
      await api.setClock(at(`${nextMonth(month)}-01`, '00:05'));
      if (month === INCIDENT_MONTH) {
        const incident = await api.post(
          '/v1/incidents',
          {
            incidentId: 'inc-aug',
            startAt: at('2025-08-12', '09:00'),
            endAt: at('2025-08-12', '12:30'),
            numbers: [NUMBER],
            description: 'trunk outage',
          },
          operatorToken,
        );
        expect(incident.status).toBe(201);
        const tenantTry = await api.post(
          '/v1/incidents',
          {
            startAt: at('2025-08-12', '09:00'),
            endAt: at('2025-08-12', '12:30'),
            numbers: 'all',
            description: 'x',
          },
          tenantToken,
        );
        expect(tenantTry.status).toBe(403);
      }
      await replayMonth(month);
    }

    const entries = await ledger();
    const byKey = new Map(entries.map((e) => [e.key, e.amount]));
    const charge = (month: string, kind: string) => byKey.get(`${TENANT}#${NUMBER}#${month}#${kind}`);
    // Activation on the 16th: 16 of 31 days.
    expect(charge('2025-01', 'monthly_rent')).toBe(-Math.round((RENT * 16) / 31));
    expect(charge('2025-01', 'value_added')).toBe(-Math.round((RECORDING_FEE * 16) / 31));
    expect(charge('2025-01', 'minimum_spend')).toBeUndefined(); // 30 calls × 600 ≥ prorated minimum
    expect(charge('2025-02', 'monthly_rent')).toBe(-RENT);
    expect(charge(LOW_USAGE_MONTH, 'minimum_spend')).toBe(-(MINIMUM - 5 * 500));
    expect(charge(SUSPENDED_MONTH, 'retention_fee')).toBe(-RETENTION);
    expect(charge(SUSPENDED_MONTH, 'monthly_rent')).toBeUndefined();
    expect(charge('2025-07', 'monthly_rent')).toBe(-RENT);
    expect(charge(INCIDENT_MONTH, 'sla_credit')).toBe(RENT - Math.round((RENT * 30) / 31));
    // Renewed on 2026-01-16: billing goes on without a gap.
    expect(charge('2026-01', 'monthly_rent')).toBe(-RENT);
    expect(charge('2026-02', 'monthly_rent')).toBe(-RENT);

    // The 30-day notice went out once, on 2025-12-17, saying it renews.
    const outbox = await api.get('/local/outbox');
    const notices = (outbox.body.messages ?? outbox.body.items ?? outbox.body).filter(
      (m: { kind: string; tenantId: string }) => m.kind === 'contract_notice' && m.tenantId === TENANT,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ template: 'contract_renews', params: { term_end: '2026-01-16' } });
    const contract = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': `NUM#${NUMBER}`, ':c': 'CONTRACT#' },
      }),
    );
    expect(contract.Items?.[0]).toMatchObject({
      termStart: '2026-01-16',
      termEnd: '2027-01-16',
      noticeSentFor: '2026-01-16',
    });

    // Statements: each adds up, each opens where the last closed, the last closes on the ledger's sum.
    const list = await api.get('/v1/statements?limit=100', tenantToken);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { month: string }) => s.month)).toEqual([...MONTHS].reverse());
    let previousClosing = 0;
    for (const month of MONTHS) {
      const res = await api.get(`/v1/statements/${month}`, tenantToken);
      expect(res.status).toBe(200);
      const s = res.body;
      expect(s.openingBalance).toBe(previousClosing);
      expect(s.lines.reduce((sum: number, l: { amount: number }) => sum + l.amount, 0)).toBe(
        s.closingBalance - s.openingBalance,
      );
      const { startAt, endAt } = monthBounds(month, ZONE);
      const inMonth = entries
        .filter((e) => e.at >= startAt && e.at < endAt)
        .reduce((sum, e) => sum + e.amount, 0);
      expect(s.closingBalance - s.openingBalance).toBe(inMonth);
      previousClosing = s.closingBalance;
    }
    expect(previousClosing).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
    const aug = (await api.get(`/v1/statements/${INCIDENT_MONTH}`, tenantToken)).body;
    expect(aug.lines.find((l: { kind: string }) => l.kind === 'sla_credit')?.description).toContain(
      '2025-08-12',
    );

    const csv = await api.request('GET', '/v1/statements/2025-04', {
      token: tenantToken,
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body)).toContain(`minimum_spend,${NUMBER}`);
    expect(
      (await api.get('/v1/statements/2025-04?format=csv', tenantToken)).headers.get('content-type'),
    ).toContain('text/csv');
  }, 300_000);

  it('changes nothing when every job runs again', async () => {
    const before = await ledger();
    const statementsBefore = await Promise.all(
      MONTHS.map(async (m) => (await api.get(`/v1/statements/${m}`, tenantToken)).body),
    );
    for (const month of MONTHS) await job('billing-monthly', at(`${nextMonth(month)}-01`, '03:00'));
    await Promise.all([
      job('billing-contracts', at('2026-01-16', '02:00')),
      job('billing-contracts', at('2026-01-16', '02:00')),
    ]);
    await job('billing-contracts', at('2025-12-17', '05:00'));
    expect(await ledger()).toEqual(before);
    const statementsAfter = await Promise.all(
      MONTHS.map(async (m) => (await api.get(`/v1/statements/${m}`, tenantToken)).body),
    );
    expect(statementsAfter).toEqual(statementsBefore);
    const outbox = await api.get('/local/outbox');
    const notices = (outbox.body.messages ?? outbox.body.items ?? outbox.body).filter(
      (m: { kind: string; tenantId: string }) => m.kind === 'contract_notice' && m.tenantId === TENANT,
    );
    expect(notices).toHaveLength(1);
  }, 120_000);

  it('answers bad input with 4xx and the field, never a 500', async () => {
    expect((await api.get('/v1/statements/2025-13', tenantToken)).body.error.field).toBe('month');
    expect((await api.get('/v1/statements/2030-01', tenantToken)).status).toBe(404);
    expect((await api.get('/v1/statements?limit=0', tenantToken)).status).toBe(400);
    expect((await api.get('/v1/statements?cursor=abc', tenantToken)).status).toBe(400);
    const backwards = await api.post(
      '/v1/incidents',
      {
        startAt: at('2025-08-12', '12:00'),
        endAt: at('2025-08-12', '09:00'),
        numbers: 'all',
        description: 'x',
      },
      operatorToken,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('endAt');
    const unknown = await api.post(
      '/v1/incidents',
      {
        startAt: at('2025-08-12', '09:00'),
        endAt: at('2025-08-12', '10:00'),
        numbers: 'all',
        description: 'x',
        extra: 1,
      },
      operatorToken,
    );
    expect(unknown.status).toBe(400);
    const clash = await api.post(
      '/v1/incidents',
      {
        incidentId: 'inc-aug',
        startAt: at('2025-08-12', '09:00'),
        endAt: at('2025-08-12', '10:00'),
        numbers: 'all',
        description: 'x',
      },
      operatorToken,
    );
    expect(clash.status).toBe(409);
    expect((await api.get('/v1/incidents', operatorToken)).body.items[0].incidentId).toBe('inc-aug');
  });
});
