/**
 * Issue 13 item 1, "one price list", for a prospect: a quote discloses the changes already scheduled for the
 * quoted plan, and the contract an approval writes carries exactly those. On the local runtime with its test
 * clock. Figures worked out by hand:
 * - 4008 `basic` in force (shared/domain/numbers/config.ts, default-tariff.ts): rent 8,800 fen a month,
 *   local 15 and long distance 30 fen a minute; `business`: rent 26,400, minimum spend 10,000.
 * - A version scheduled on 23 November 2026 from 1 January 2027 (30 days' notice: the earliest date):
 *   basic rent 9,500, 4008 long distance 33 (local unchanged at 15).
 * - Quoted on 1 December 2026, approved on 15 December: January's rent is 9,500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  tenant = await api.token('prospect-co', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
}, 120_000);
afterAll(async () => api?.stop());

const setClock = (now: string) => api.setClock(now);

const disclosed = [
  {
    effectiveFrom: '2027-01-01',
    monthlyRent: 9_500,
    perMinute: { localPerMinute: 15, longDistancePerMinute: 33 },
  },
];

describe('a quote discloses the changes already scheduled', () => {
  it('quotes today’s prices with the scheduled change, and the contract and bill follow it', async () => {
    const scheduled = await api.post(
      '/v1/tariffs',
      {
        planId: 'basic',
        effectiveFrom: '2027-01-01',
        monthlyRent: 9_500,
        rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 33 } },
      },
      operator,
    );
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);

    // Tuesday 1 December 2026, 10:00 Shanghai: the prices in force, and the change from 1 January.
    await setClock('2026-12-01T02:00:00Z');
    const found = await api.get('/v1/numbers/available?segment=4008&tier=standard&limit=1', tenant);
    expect(found.status).toBe(200);
    const number: string = found.body.items[0].number;
    const plans = found.body.items[0].price.plans as { id: string }[];
    const basic = plans.find((p) => p.id === 'basic');
    expect(basic).toMatchObject({
      monthlyRent: 8_800,
      perMinute: { localPerMinute: 15, longDistancePerMinute: 30 },
      scheduledChanges: disclosed,
    });
    // Nothing is scheduled for the other plans: an empty list, not a missing field.
    expect(plans.find((p) => p.id === 'business')).toMatchObject({
      monthlyRent: 26_400,
      scheduledChanges: [],
    });
    const openingFee: number = found.body.items[0].price.openingFee;

    expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, tenant)).status).toBe(201);
    const created = await api.post(
      '/v1/applications',
      individualApplication(number, 'basic', 'Li Lei'),
      tenant,
    );
    expect(created.status).toBe(201);
    expect(created.body.quote).toEqual(basic);
    const applicationId: string = created.body.applicationId;
    const read = await api.get(`/v1/applications/${applicationId}`, tenant);
    expect(read.status).toBe(200);
    expect(read.body.quote).toMatchObject({ id: 'basic', monthlyRent: 8_800, scheduledChanges: disclosed });

    await submitWithDocuments(api, tenant, applicationId);
    await payIn(api, tenant, openingFee, 'prospect-co-opening');

    // Tuesday 15 December 2026, 10:00 Shanghai: approved; the contract carries the disclosed change.
    await setClock('2026-12-15T02:00:00Z');
    const approved = await api.post(
      `/v1/review/applications/${applicationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(approved.status).toBe(202);
    const contract = await contractOf(number);
    expect(contract).toMatchObject({
      planId: 'basic',
      monthlyRent: 8_800,
      termStart: '2026-12-15',
      priceChanges: { '2027-01-01': { monthlyRent: 9_500 } },
    });
    // Decided: the contract now states the prices, the application no longer quotes.
    expect((await api.get(`/v1/applications/${applicationId}`, tenant)).body.quote).toBeUndefined();

    // The monthly run of 1 February 00:10 Shanghai bills January at the disclosed 9,500.
    await setClock('2027-01-31T16:10:00Z');
    const run = await api.post('/local/jobs/billing-monthly', { at: '2027-01-31T16:10:00Z' });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const ledger = await api.get('/v1/account/ledger?limit=100', tenant);
    expect(ledger.status).toBe(200);
    const january = (ledger.body.items as { key: string; kind: string; amount: number }[]).filter((e) =>
      e.key.includes('#2027-01#'),
    );
    expect(january.map((e) => [e.kind, e.amount])).toEqual([['monthly_rent', -9_500]]);
  }, 60_000);
});
