/**
 * A tenant gives up an approved number that never went into service, over HTTP on the local runtime with its
 * test clock: `DELETE /v1/applications/{id}` after the activation was rolled back gives the approval's fee
 * back once, voids the contract (the next monthly run bills it nothing), and puts the number back in the pool
 * at once. Refused (409) while activating and once in service; another tenant gets a 404.
 *
 * Figures by hand (shared/domain/numbers/config.ts, the default classifier): a gold 4008 number has a
 * selection fee of 98,800 fen and a first top-up of 50,000, an opening fee of 148,800. Paid in: 148,800.
 * Approved: 148,800 − 98,800 = 50,000. Withdrawn: 50,000 + 98,800 = 148,800 again. The demo tenant's seeded
 * standard 4008 `basic` number (active since the runtime started, 25 November) is billed December's whole
 * rent, 8,800, by the same monthly run: proof that the run ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { port } from '../../shared/runtime/ports.js';
import { useWorkQueue, workQueue } from '../../shared/runtime/work-queues.js';
import {
  contractOf,
  individualApplication,
  type LocalApi,
  payIn,
  startLocalApi,
  submitWithDocuments,
} from '../support/local-api.js';

const SELECTION_FEE = 98_800;
const OPENING_FEE = 148_800;

let api: LocalApi;
let tenant: string;
let other: string;
let operator: string;
let demo: string;
let telephony: LocalTelephony;

beforeAll(async () => {
  // Wednesday 25 November 2026, 10:00 Shanghai.
  api = await startLocalApi({ clockAt: '2026-11-25T02:00:00Z' });
  tenant = await api.token('withdraw-co', ['tenant-admin']);
  other = await api.token('other-co', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
  demo = await api.token('demo', ['tenant-admin']);
  telephony = (await port('telephony')) as LocalTelephony;
}, 120_000);
afterAll(async () => api?.stop());

const balance = async (token = tenant) => (await api.get('/v1/account', token)).body.balance as number;
const ledger = async (token = tenant) =>
  (await api.get('/v1/account/ledger?limit=100', token)).body.items as {
    key: string;
    kind: string;
    amount: number;
  }[];
const decide = (applicationId: string) =>
  api.post(`/v1/review/applications/${applicationId}/decision`, { decision: 'approve' }, operator);
const withdraw = (applicationId: string, token = tenant) =>
  api.request('DELETE', `/v1/applications/${applicationId}`, { token });

/** A gold 4008 number held, applied for by the tenant with its documents, the opening fee paid in. */
async function appliedGold(skip: number, key: string) {
  const found = await api.get('/v1/numbers/available?segment=4008&tier=gold&limit=5', tenant);
  const item = found.body.items[skip];
  expect(item.price).toMatchObject({ selectionFee: SELECTION_FEE, openingFee: OPENING_FEE });
  const number: string = item.number;
  expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, tenant)).status).toBe(201);
  const created = await api.post(
    '/v1/applications',
    individualApplication(number, 'basic', 'Li Lei'),
    tenant,
  );
  expect(created.status).toBe(201);
  await submitWithDocuments(api, tenant, created.body.applicationId);
  await payIn(api, tenant, OPENING_FEE, key);
  return { number, applicationId: created.body.applicationId as string };
}

describe('withdrawing an approved application whose number never went into service', () => {
  it('gives the fee back once, frees the number and bills the contract nothing', async () => {
    const { number, applicationId } = await appliedGold(0, 'withdraw-co-opening-1');
    expect(await balance()).toBe(OPENING_FEE);

    // Connect refuses every claim: the activation is rolled back, the number approved, never in service.
    telephony.failClaims = true;
    const approved = await decide(applicationId);
    telephony.failClaims = false;
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({ status: 'approved', numberStatus: 'approved' });
    expect(await balance()).toBe(OPENING_FEE - SELECTION_FEE); // 50,000
    expect((await contractOf(number)).status).toBe('pending');

    // Another tenant cannot see or withdraw it.
    const foreign = await withdraw(applicationId, other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('application_not_found');

    const withdrawn = await withdraw(applicationId);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ applicationId, status: 'withdrawn' });
    expect(withdrawn.body.events.at(-1)).toMatchObject({ event: 'withdrawn', by: 'withdraw-co' });

    // 50,000 + 98,800 = 148,800: the balance is back where it was before the approval.
    expect(await balance()).toBe(OPENING_FEE);
    const fees = (await ledger()).filter((e) => e.kind === 'opening_fee');
    // Newest first: the fee given back, then the fee the approval took.
    expect(fees.map((e) => [e.key, e.amount])).toEqual([
      [`opening#${applicationId}#returned`, SELECTION_FEE],
      [`opening#${applicationId}`, -SELECTION_FEE],
    ]);
    expect((await contractOf(number)).status).toBe('void');

    // The tenant's numbers no longer list it, and the number is anyone's to find and hold at once.
    const mine = await api.get('/v1/numbers', tenant);
    expect(mine.body.items.map((n: { number: string }) => n.number)).not.toContain(number);
    expect((await api.get(`/v1/numbers/${number}`, tenant)).status).toBe(404);
    const search = await api.get(`/v1/numbers/available?segment=4008&contains=${number.slice(4)}`, other);
    expect(search.body.items.map((n: { number: string }) => n.number)).toContain(number);

    // The withdrawal is in the audit trail beside the approval, under the same object, with the fee.
    const audit = await api.get(`/v1/audit-events?object=application:${applicationId}`, tenant);
    expect(audit.status).toBe(200);
    // Both at the same test-clock instant: newest first cannot order them.
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          routeId: 'withdrawApplication',
          method: 'DELETE',
          status: 200,
          actor: expect.objectContaining({ kind: 'tenant' }),
          after: { status: 'withdrawn', feesReturned: SELECTION_FEE },
        }),
        expect.objectContaining({
          routeId: 'decideApplication',
          after: { decision: 'approve', status: 'approved' },
        }),
      ]),
    );

    // Withdrawing twice: 409, and nothing given back twice.
    const again = await withdraw(applicationId);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    expect(await balance()).toBe(OPENING_FEE);

    // The monthly run of 1 January 2027, 00:10 Shanghai, bills December: the demo tenant's seeded number
    // its whole rent (8,800), the voided contract nothing.
    await api.setClock('2026-12-31T16:10:00Z');
    const run = await api.post('/local/jobs/billing-monthly', { at: '2026-12-31T16:10:00Z' });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const december = (entries: { key: string; kind: string; amount: number }[]) =>
      entries.filter((e) => e.key.includes('#2026-12#')).map((e) => [e.kind, e.amount]);
    expect(december(await ledger(demo))).toEqual([['monthly_rent', -8_800]]);
    expect(december(await ledger())).toEqual([]);
    expect(await balance()).toBe(OPENING_FEE);
  }, 60_000);

  it('refuses while the activation is in flight, and once the number is active or suspended', async () => {
    const { number, applicationId } = await appliedGold(1, 'withdraw-co-opening-2');
    // The activation queue held: the approval leaves the number activating.
    const activations = await workQueue('numberActivations');
    useWorkQueue('numberActivations', { send: async () => undefined });
    const approved = await decide(applicationId);
    useWorkQueue('numberActivations', activations);
    expect(approved.body).toMatchObject({ status: 'approved', numberStatus: 'activating' });
    const before = await balance();

    const inFlight = await withdraw(applicationId);
    expect(inFlight.status).toBe(409);
    expect(inFlight.body.error).toMatchObject({
      code: 'invalid_transition',
      message: 'the number is being activated; it can be withdrawn only if its activation fails',
    });

    // The operator's repeated approval sends the activation again: the number goes active.
    expect((await decide(applicationId)).body.numberStatus).toBe('active');
    const active = await withdraw(applicationId);
    expect(active.status).toBe(409);
    expect(active.body.error.code).toBe('invalid_transition');
    expect(active.body.error.message).toContain('went into service');

    expect((await api.post(`/v1/numbers/${number}/suspension`, undefined, tenant)).body.status).toBe(
      'suspended',
    );
    const suspended = await withdraw(applicationId);
    expect(suspended.status).toBe(409);
    expect(suspended.body.error.code).toBe('invalid_transition');

    // Nothing moved: no fee given back, the number still the tenant's.
    expect(await balance()).toBe(before);
    expect((await ledger()).filter((e) => e.key === `opening#${applicationId}#returned`)).toEqual([]);
    expect((await api.get(`/v1/numbers/${number}`, tenant)).body.status).toBe('suspended');
  }, 60_000);
});
