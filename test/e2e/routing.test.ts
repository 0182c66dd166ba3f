/**
 * Routing end to end on the local runtime: configure over HTTP, apply to the local Connect, then place
 * simulated calls (POST /local/calls walks the generated flow and calls the real route-call handler) and
 * check that test-calls (POST /v1/numbers/{n}/routing/test-calls) agrees with the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { seedActiveLine } from '../support/seeded-lines.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const NUMBER = '4008765432';
const ACCESS = '+6531589999';
const BROKE_NUMBER = '4008765433';
const BROKE_ACCESS = '+6531589998';

let api: LocalApi;
let admin: string;
let brokeAdmin: string;

beforeAll(async () => {
  api = await startLocalApi({ seed: false });
  await seedActiveLine({
    tenantId: 'acme-e2e',
    number: NUMBER,
    access: ACCESS,
    account: { balance: 100_000, spendDay: '2026-11-25', spendToday: 0, dailyCap: 50_000, status: 'active' },
  });
  await seedActiveLine({
    tenantId: 'broke-e2e',
    number: BROKE_NUMBER,
    access: BROKE_ACCESS,
    account: { balance: -300, spendDay: '2026-11-25', spendToday: 0, status: 'arrears' },
  });
  admin = await api.token('acme-e2e', ['tenant-admin']);
  brokeAdmin = await api.token('broke-e2e', ['tenant-admin']);
}, 60_000);
afterAll(async () => api?.stop());

describe('routing configuration over HTTP', () => {
  it('stores versions, names the bad field, and hides other tenants’ numbers', async () => {
    const first = await api.put(`/v1/numbers/${NUMBER}/routing`, ENTERPRISE_INPUT, admin);
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(1);
    const bad = await api.put(
      `/v1/numbers/${NUMBER}/routing`,
      { ...ENTERPRISE_INPUT, answerNumbers: [{ id: 'x', number: '+14155550100' }] },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'answer_number_international',
      field: 'answerNumbers.0.number',
    });
    const premium = await api.put(
      `/v1/numbers/${NUMBER}/routing`,
      { ...ENTERPRISE_INPUT, answerNumbers: [{ id: 'x', number: '4008123456' }] },
      admin,
    );
    expect(premium.body.error?.field).toBe('answerNumbers.0.number');
    const unknownField = await api.put(
      `/v1/numbers/${NUMBER}/routing`,
      { ...ENTERPRISE_INPUT, colour: 'red' },
      admin,
    );
    expect(unknownField.status).toBe(400);
    // Ids are the config's own keys: a menu named like an Object.prototype member is a 400 naming it.
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const menus = JSON.parse(`{"${name}": ${JSON.stringify(ENTERPRISE_INPUT.menus?.main)}}`);
      const reserved = await api.put(
        `/v1/numbers/${NUMBER}/routing`,
        { ...ENTERPRISE_INPUT, defaultDestination: { type: 'menu', menuId: name }, menus },
        admin,
      );
      expect(reserved.status).toBe(400);
      expect(reserved.body.error?.field).toMatch(/^(defaultDestination\.menuId|menus\.)/);
    }
    const notMine = await api.put(`/v1/numbers/${NUMBER}/routing`, ENTERPRISE_INPUT, brokeAdmin);
    expect(notMine.status).toBe(404);
    const stale = await api.request('PUT', `/v1/numbers/${NUMBER}/routing`, {
      token: admin,
      body: ENTERPRISE_INPUT,
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(409);
    const read = await api.get(`/v1/numbers/${NUMBER}/routing`, admin);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ version: 1, applied: null });
    expect(read.body.config.answerNumbers).toHaveLength(3);
  });

  it('applies to the local Connect as a diff, through the apply job', async () => {
    const applied = await api.post(`/v1/numbers/${NUMBER}/routing/apply`, undefined, admin);
    // 202: a job; the local runtime's in-process worker has run it by the time it answers.
    expect(applied.status).toBe(202);
    expect(applied.body).toMatchObject({ status: 'applied', configVersion: 1, tries: 0, throttled: 0 });
    expect(applied.body.stepsDone).toEqual([
      'hours',
      'queue:sales',
      'queue:sales:vip',
      'profile:sales-team',
      'flow',
    ]);
    const read = await api.get(`/v1/numbers/${NUMBER}/routing`, admin);
    expect(read.body.applyJob).toMatchObject({ jobId: applied.body.jobId, status: 'applied', steps: 5 });
    expect(read.body.applied).toMatchObject({ configVersion: 1 });
    expect(applied.body.result.changes.map((c: { key: string }) => c.key)).toEqual([
      'hours',
      'queue:sales',
      'queue:sales:vip',
      'profile:sales-team',
      'flow',
    ]);
    const connect = await api.get('/local/connect');
    const writes = connect.body.writes.length;
    expect(Object.keys(connect.body.queues)).toEqual([`q400-${NUMBER}-sales`, `q400-${NUMBER}-sales-vip`]);
    expect(connect.body.flowBindings[`pn-${NUMBER}`]).toBe('local-generic-flow');
    const again = await api.post(`/v1/numbers/${NUMBER}/routing/apply`, undefined, admin);
    expect(again.body).toMatchObject({ status: 'applied', result: { changes: [], connectWrites: 0 } });
    expect(again.body.jobId).not.toBe(applied.body.jobId);
    expect((await api.get('/local/connect')).body.writes).toHaveLength(writes);
    await api.put(`/v1/numbers/${BROKE_NUMBER}/routing`, ENTERPRISE_INPUT, brokeAdmin);
    expect((await api.post(`/v1/numbers/${BROKE_NUMBER}/routing/apply`, undefined, brokeAdmin)).status).toBe(
      202,
    );
  });
});

const SCENARIOS = [
  {
    name: 'business hours',
    caller: '+862161234567',
    at: '2026-11-25T02:00:00Z',
    keys: ['1'],
    expect: { kind: 'queued', reason: 'menu' },
  },
  {
    name: 'after hours',
    caller: '+862161234567',
    at: '2026-11-25T12:00:00Z',
    expect: { kind: 'message', reason: 'after_hours', message: '下班了' },
  },
  {
    name: 'a holiday',
    caller: '+862161234567',
    at: '2026-10-01T02:00:00Z',
    expect: { kind: 'message', reason: 'holiday' },
  },
  {
    name: 'a North-China caller',
    caller: '+861066661234',
    at: '2026-11-25T02:00:00Z',
    expect: { kind: 'transferred', reason: 'region', destination: '+861058881234' },
  },
  {
    name: 'an IVR key path',
    caller: '+862161234567',
    at: '2026-11-25T02:00:00Z',
    keys: ['2', '1'],
    expect: { kind: 'transferred', destination: '+8613910001234', ivrPath: '21' },
  },
  {
    name: 'a blacklisted caller',
    caller: '+8613800000000',
    at: '2026-11-25T02:00:00Z',
    expect: { kind: 'message', reason: 'blacklisted' },
  },
  {
    name: 'an arrears tenant',
    caller: '+862161234567',
    at: '2026-11-25T02:00:00Z',
    to: BROKE_NUMBER,
    expect: { kind: 'message', reason: 'arrears' },
  },
] as const;

describe('simulated calls through the generated flow', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: the simulator and test-calls agree`, async () => {
      const to = 'to' in s ? s.to : NUMBER;
      const keys = 'keys' in s ? [...s.keys] : undefined;
      const simulated = await api.post('/local/calls', { to, caller: s.caller, at: s.at, keys });
      expect(simulated.status).toBe(200);
      expect(simulated.body.outcome).toMatchObject(s.expect);
      const record = simulated.body.contactRecord;
      expect(record).toMatchObject({
        Channel: 'VOICE',
        CustomerEndpoint: { Address: s.caller },
        SystemEndpoint: { Address: to === NUMBER ? ACCESS : BROKE_ACCESS },
      });
      expect(record.InitiationTimestamp).toBe(s.at);
      // Handed to the money capability's local stream: delivered, not parked.
      expect(simulated.body.ingested).toMatchObject({ records: 1, parked: 0 });
      if (s.expect.kind === 'transferred')
        expect(record.TransferredToEndpoint.Address).toBe(s.expect.destination);
      const token = to === NUMBER ? admin : brokeAdmin;
      for (const source of ['applied', 'draft'] as const) {
        const test = await api.post(
          `/v1/numbers/${to}/routing/test-calls`,
          { caller: s.caller, at: s.at, keys, source },
          token,
        );
        expect(test.status).toBe(200);
        expect(test.body.outcome).toEqual(simulated.body.outcome);
        // Same blocks in the same order, the call-limit arming included (a test call only dry-runs it).
        const path = (steps: { action: string }[]) => steps.map((x) => x.action);
        expect(path(test.body.steps)).toEqual(path(simulated.body.steps));
      }
    });
  }

  it('hunting: unanswered numbers are skipped, the contact record names who answered', async () => {
    const body = {
      caller: '+862161234567',
      at: '2026-11-25T02:00:00Z',
      keys: ['9', '9'],
      unanswered: ['+861058881234'],
    };
    const simulated = await api.post('/local/calls', { to: NUMBER, ...body });
    expect(simulated.body.attempts).toEqual([
      { destination: '+861058881234', answered: false },
      { destination: '+8613910001234', answered: true },
    ]);
    expect(simulated.body.contactRecord.TransferredToEndpoint.Address).toBe('+8613910001234');
    const test = await api.post(`/v1/numbers/${NUMBER}/routing/test-calls`, body, admin);
    expect(test.body.outcome).toEqual(simulated.body.outcome);
  });

  it('a limited call arms its stop (limit + 5 s grace) through the flow; a refused one arms nothing', async () => {
    const at = '2026-11-25T02:00:00Z';
    const body = { to: NUMBER, caller: '+862161234567', at, keys: ['2', '1'] };
    const simulated = await api.post('/local/calls', body);
    expect(simulated.body.outcome.kind).toBe('transferred');
    const limit = simulated.body.outcome.maxDurationSeconds;
    expect(limit).toBeGreaterThan(0);
    const stopAt = new Date(Date.parse(at) + (limit + 5) * 1000).toISOString();
    expect(simulated.body.callLimit).toMatchObject({
      contactId: simulated.body.contactId,
      instanceId: '00000000-0000-4000-8000-000000000000',
      stopAt,
      arms: 1,
    });
    const steps = simulated.body.steps.map((x: { action: string }) => x.action);
    expect(steps.indexOf('transfer-arm-limit')).toBe(steps.indexOf('transfer') - 1);
    const connect = await api.get('/local/connect');
    expect(connect.body.callLimits).toContainEqual(
      expect.objectContaining({ contactId: simulated.body.contactId, stopAt }),
    );

    const refused = await api.post('/local/calls', { to: BROKE_NUMBER, caller: '+862161234567', at });
    expect(refused.body.outcome.kind).toBe('message');
    expect(refused.body.callLimit).toBeUndefined();
    const after = await api.get('/local/connect');
    expect(after.body.callLimits.map((c: { contactId: string }) => c.contactId)).not.toContain(
      refused.body.contactId,
    );
  });

  it('refuses a malformed simulator request with the field named', async () => {
    const res = await api.post('/local/calls', { to: NUMBER, caller: 'nobody' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('caller');
  });
});
