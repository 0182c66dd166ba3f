/**
 * The public holiday calendar end to end on the local runtime: an operator publishes 2027 over HTTP, the
 * holiday-recompile job (POST /local/jobs/holiday-recompile) recompiles the applied snapshot and the local
 * Connect hours, and a simulated call through the real route-call handler then meets the holiday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { seedActiveLine } from '../support/seeded-lines.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const NUMBER = '4008765440';
const ACCESS = '+6531589940';
// A Friday: open hours on a plain weekday, closed once 2027's national day is published.
const NATIONAL_DAY_2027 = '2027-10-01T02:00:00Z';
const CALLER = '+862161234567';

let api: LocalApi;
let admin: string;
let operator: string;

beforeAll(async () => {
  api = await startLocalApi({ seed: false });
  await seedActiveLine({
    tenantId: 'holiday-e2e',
    number: NUMBER,
    access: ACCESS,
    account: { balance: 100_000, spendDay: '2027-10-01', spendToday: 0, status: 'active' },
  });
  admin = await api.token('holiday-e2e', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
}, 60_000);
afterAll(async () => api?.stop());

const call = async () =>
  (await api.post('/local/calls', { to: NUMBER, caller: CALLER, at: NATIONAL_DAY_2027 })).body;

describe('publishing a holiday calendar year', () => {
  it('reaches routing and Connect through the recompile job, and only once', async () => {
    expect((await api.put(`/v1/numbers/${NUMBER}/routing`, ENTERPRISE_INPUT, admin)).status).toBe(200);
    expect((await api.post(`/v1/numbers/${NUMBER}/routing/apply`, undefined, admin)).body).toMatchObject({
      status: 'applied',
    });
    // 2027 is unknown: the call is routed as on any Friday.
    const before = await call();
    expect(before.outcome.reason).not.toBe('holiday');
    expect(before.outcome.kind).not.toBe('error');

    const body = { holidays: ['2027-10-01', '2027-10-02', '2027-10-03'], makeUpWorkdays: ['2027-10-09'] };
    expect((await api.put('/v1/holiday-calendars/2027', body, admin)).status).toBe(403);
    const published = await api.put('/v1/holiday-calendars/2027', body, operator);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ year: 2027, origin: 'published', version: 1, changed: true });
    expect((await api.get('/v1/holiday-calendars/2027', admin)).body.origin).toBe('published');

    const first = await api.post('/local/jobs/holiday-recompile', {});
    expect(first.status).toBe(200);
    expect(first.body.result).toMatchObject({ recompiled: 1, failed: 0, remaining: false });
    const after = await call();
    expect(after.outcome).toMatchObject({ kind: 'message', reason: 'holiday' });
    const connect = (await api.get('/local/connect')).body;
    expect(connect.hours[`h400-${NUMBER}`].closures).toContainEqual({
      name: 'closed-2027-10-01',
      from: '2027-10-01',
      till: '2027-10-03',
    });

    const second = await api.post('/local/jobs/holiday-recompile', {});
    expect(second.body.result).toMatchObject({ stale: 0, recompiled: 0, connectWrites: 0 });
  });

  it('the daily check reports next year from 1 December', async () => {
    const dec = await api.post('/local/jobs/holiday-calendar-check', { at: '2027-12-01T02:00:00Z' });
    expect(dec.body.result.missing).toEqual([{ year: 2028, when: 'next' }]);
    const nov = await api.post('/local/jobs/holiday-calendar-check', { at: '2027-11-30T02:00:00Z' });
    expect(nov.body.result.missing).toEqual([]);
  });
});
