/**
 * Issue 13 item 1, "a price quoted is the price charged", on the local runtime with its test clock: an
 * operator schedules new prices for the `basic` plan, a tenant is quoted, applies, is approved and
 * charged, and every figure is the one quoted. Figures are worked out by hand:
 * - 4008 `basic` (shared/domain/numbers/config.ts, default-tariff.ts): rent 8,800 fen a month, 100 included
 *   minutes a number and month, long distance 30 fen a minute.
 * - Version 1, from 1 January 2027: rent 7,000, 4008 long distance 28 (local 14).
 * - Version 2, from 1 March 2027: rent 7,500.
 * The tenant is approved on Friday 15 January 2027, after version 1 took effect and before version 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredCall, callItem } from '../integration/ingest-fixtures.js';
import {
  contractOf,
  individualApplication,
  type LocalApi,
  payIn,
  startLocalApi,
  submitWithDocuments,
} from '../support/local-api.js';

let api: LocalApi;
let tenant: string;
let operator: string;

beforeAll(async () => {
  // Monday 23 November 2026, 10:00 Shanghai.
  api = await startLocalApi({ clockAt: '2026-11-23T02:00:00Z' });
  tenant = await api.token('quoted-co', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
}, 120_000);
afterAll(async () => api?.stop());

const setClock = (now: string) => api.setClock(now);

async function job(name: string, at: string) {
  const res = await api.post(`/local/jobs/${name}`, { at });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result;
}

async function ledgerEntries() {
  const res = await api.get('/v1/account/ledger?limit=100', tenant);
  expect(res.status).toBe(200);
  return res.body.items as { key: string; kind: string; amount: number; at: string }[];
}

describe('a price quoted is the price charged', () => {
  it('quotes, contracts and charges the prices in force, through a scheduled price change', async () => {
    for (const body of [
      {
        planId: 'basic',
        effectiveFrom: '2027-01-01',
        monthlyRent: 7_000,
        rates: { '4008': { localPerMinute: 14, longDistancePerMinute: 28 } },
      },
      { planId: 'basic', effectiveFrom: '2027-03-01', monthlyRent: 7_500 },
    ]) {
      expect((await api.post('/v1/tariffs', body, operator)).status).toBe(201);
    }
    // The daily tariff job announces both and copies them onto the contracts then in service (none of ours).
    await job('billing-tariffs', '2026-11-24T02:00:00Z');

    // Friday 15 January 2027, 10:00 Shanghai: version 1 is in force.
    await setClock('2027-01-15T02:00:00Z');
    const found = await api.get('/v1/numbers/available?segment=4008&tier=standard&limit=1', tenant);
    expect(found.status).toBe(200);
    const number: string = found.body.items[0].number;
    const quoted = found.body.items[0].price.plans.find((p: { id: string }) => p.id === 'basic');
    expect(quoted).toMatchObject({
      monthlyRent: 7_000,
      includedMinutes: 100,
      perMinute: { localPerMinute: 14, longDistancePerMinute: 28 },
    });
    const openingFee: number = found.body.items[0].price.openingFee;

    expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, tenant)).status).toBe(201);
    const created = await api.post(
      '/v1/applications',
      individualApplication(number, 'basic', 'Han Meimei'),
      tenant,
    );
    expect(created.status).toBe(201);
    const applicationId: string = created.body.applicationId;
    await submitWithDocuments(api, tenant, applicationId);
    await payIn(api, tenant, openingFee, 'quoted-co-opening');
    const approved = await api.post(
      `/v1/review/applications/${applicationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(approved.status).toBe(202);

    // The contract says what was quoted, and carries the change already scheduled from 1 March.
    const contract = await contractOf(number);
    expect(contract).toMatchObject({
      planId: 'basic',
      monthlyRent: 7_000,
      includedMinutes: 100,
      termStart: '2027-01-15',
      priceChanges: { '2027-03-01': { monthlyRent: 7_500 } },
    });

    // Wednesday 3 February 2027, 10:00 Shanghai: a 110-minute long-distance call, 100 minutes included,
    // 10 × 28 = 280 fen (at the quoted 28, not the default tariff's 30).
    const mine = await api.get(`/v1/numbers/${number}`, tenant);
    await setClock('2027-02-03T04:00:00Z');
    const call = answeredCall(mine.body.accessNumber, {
      contactId: 'quoted-call-1',
      answeredAt: '2027-02-03T02:00:00Z',
      seconds: 110 * 60,
    });
    const ingested = await api.post('/local/contact-records', [call], tenant);
    expect(ingested.status).toBe(202);
    expect(await callItem('quoted-call-1')).toMatchObject({
      amount: 280,
      includedSecondsUsed: 6_000,
      tariffVersion: '2026-11-01+basic@2027-01-01',
    });

    // The monthly run of 1 March 00:10 Shanghai bills February: the quoted rent, in full.
    await setClock('2027-02-28T16:10:00Z');
    await job('billing-monthly', '2027-02-28T16:10:00Z');
    const february = (await ledgerEntries()).filter((e) => e.key.includes('#2027-02#'));
    expect(february.map((e) => [e.kind, e.amount])).toEqual([['monthly_rent', -7_000]]);

    // February's statement shows exactly what the ledger charged: the rent and the call.
    const statement = await api.get('/v1/statements/2027-02', tenant);
    expect(statement.status).toBe(200);
    const lines = statement.body.lines as { kind: string; amount: number; count: number; number?: string }[];
    expect(lines.find((l) => l.kind === 'monthly_rent')).toMatchObject({ amount: -7_000 });
    expect(lines.find((l) => l.kind === 'calls')).toMatchObject({ amount: -280, count: 1, number });
    expect(statement.body.usage).toEqual([
      expect.objectContaining({ number, calls: 1, charges: 280, includedSeconds: 6_000 }),
    ]);
    const inFebruary = (await ledgerEntries()).filter(
      (e) => e.at >= '2027-01-31T16:00:00.000Z' && e.at < '2027-02-28T16:00:00.000Z',
    );
    const sum = (xs: readonly { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);
    expect(sum(lines)).toBe(sum(inFebruary));
    expect(sum(lines)).toBe(-7_280);

    // March, after version 2: 7,500, as the contract said at approval.
    await setClock('2027-03-31T16:10:00Z');
    await job('billing-monthly', '2027-03-31T16:10:00Z');
    const march = (await ledgerEntries()).filter((e) => e.key.includes('#2027-03#'));
    expect(march.map((e) => [e.kind, e.amount])).toEqual([['monthly_rent', -7_500]]);
  }, 60_000);
});
