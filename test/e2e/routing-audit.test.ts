/**
 * Adversarial routing checks on the local runtime: a tenant's routing can reach nothing it did not
 * configure itself (a previous owner's draft stays the previous owner's), and no configuration is
 * accepted that the stores cannot hold (a DynamoDB item is at most 400 KB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../shared/http/api-handler.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { putItem, seedActiveLine } from '../support/seeded-lines.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const NUMBER = '4008761111';
const ACCESS = '+6531581111';

let api: LocalApi;
let admin: string;

beforeAll(async () => {
  api = await startLocalApi({ seed: false });
  await seedActiveLine({
    tenantId: 'new-owner',
    number: NUMBER,
    access: ACCESS,
    snapshot: false,
    account: { balance: 100_000, spendDay: '2026-11-25', spendToday: 0, status: 'active' },
  });
  admin = await api.token('new-owner', ['tenant-admin']);
}, 60_000);
afterAll(async () => api?.stop());

describe('routing isolation and bounds', () => {
  it("a previous owner's draft (hand-over not yet cleared) is not the new owner's to test-call", async () => {
    // The previous owner's configuration, still stored: its answer numbers are its own staff's phones.
    await putItem('routing', {
      pk: `NUM#${NUMBER}`,
      sk: 'CONFIG',
      type: 'routingConfig',
      number: NUMBER,
      tenantId: 'old-owner',
      version: 4,
      updatedAt: '2026-11-01T00:00:00.000Z',
      config: (await import('../../shared/domain/routing/config.js')).normaliseConfig({
        answerNumbers: [{ id: 'boss', number: '13910009999' }],
        defaultDestination: { type: 'hunt' },
      }),
    });
    const walked = await api.post(
      `/v1/numbers/${NUMBER}/routing/test-calls`,
      { caller: '+861066661234', at: '2026-11-25T02:00:00.000Z' },
      admin,
    );
    expect(walked.status).toBe(404);
    expect(walked.body.error?.code).toBe('routing_not_found');
    expect(JSON.stringify(walked.body)).not.toContain('13910009999');
  });

  it('a configuration is bounded by the body limit, and one just under it is stored and applied', async () => {
    const keys = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
    const withPrompts = (chars: number) => {
      const text = '请'.repeat(chars); // 3 bytes a character in UTF-8
      const message = { type: 'message' as const, prompt: { text: { 'zh-CN': text } } };
      const menus = Object.fromEntries(
        Array.from({ length: 28 }, (_, i) => [
          `m${i}`,
          {
            prompt: { text: { 'zh-CN': text } },
            options: Object.fromEntries(keys.map((k) => [k, message])),
            retries: 1,
            timeoutSeconds: 5,
            onFailure: message,
          },
        ]),
      );
      return { ...ENTERPRISE_INPUT, menus: { ...ENTERPRISE_INPUT.menus, ...menus } };
    };
    // 28 menus × 14 prompts × 1,500 bytes ≈ 590 KB: more than a DynamoDB item (400 KB) holds.
    const huge = await api.put(`/v1/numbers/${NUMBER}/routing`, withPrompts(500), admin);
    expect(huge.status).toBe(413);
    expect(huge.body.error?.code).toBe('payload_too_large');
    // 28 × 14 × 600 bytes ≈ 235 KB, under the 256 KiB body limit: stored, compiled into the snapshot item.
    const body = withPrompts(200);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(MAX_BODY_BYTES);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(MAX_BODY_BYTES - 32 * 1024);
    const stored = await api.put(`/v1/numbers/${NUMBER}/routing`, body, admin);
    expect(stored.status).toBe(200);
    const applied = await api.post(`/v1/numbers/${NUMBER}/routing/apply`, undefined, admin);
    expect(applied.status).toBe(202);
    expect(applied.body).toMatchObject({ status: 'applied', configVersion: stored.body.version });
    const walked = await api.post(
      `/v1/numbers/${NUMBER}/routing/test-calls`,
      { caller: '+862161234567', at: '2026-11-25T02:00:00.000Z', source: 'applied' },
      admin,
    );
    expect(walked.status).toBe(200);
  });

  it('a number only held, applied for or rejected takes no routing: nothing is stored or applied to Connect', async () => {
    const at = '2026-11-25T00:00:00.000Z';
    const cases = [
      { number: '4008762221', status: 'reserved', holdExpiresAt: '2026-11-25T00:30:00.000Z' },
      // A hold that ran out still names its holder until someone else reserves the number.
      { number: '4008762222', status: 'reserved', holdExpiresAt: '2026-11-24T00:30:00.000Z' },
      { number: '4008762223', status: 'applied', applicationId: 'app-x' },
      { number: '4008762224', status: 'rejected', applicationId: 'app-y' },
    ];
    const writesBefore = (await api.get('/local/connect')).body.writes.length;
    for (const c of cases) {
      const { number, ...state } = c;
      await putItem('numbers', {
        pk: `NUM#${number}`,
        sk: 'NUMBER',
        type: 'number',
        number,
        segment: '4008',
        tenantId: 'new-owner',
        version: 1,
        ...state,
      });
      const stored = await api.put(`/v1/numbers/${number}/routing`, ENTERPRISE_INPUT, admin);
      expect(stored.status, `${c.status} ${number}`).toBe(409);
      expect(stored.body.error?.code).toBe('number_not_routable');
      const applied = await api.post(`/v1/numbers/${number}/routing/apply`, undefined, admin);
      expect(applied.status).toBe(409);
      const tested = await api.post(
        `/v1/numbers/${number}/routing/test-calls`,
        { caller: '+861066661234', at },
        admin,
      );
      expect(tested.status).toBe(409);
    }
    // Cancelled, quarantined, or transferred to another tenant: not the former owner's to route at all.
    const gone = [
      { number: '4008762225', status: 'cancelled', previousTenantId: 'new-owner' },
      { number: '4008762226', status: 'quarantined', previousTenantId: 'new-owner' },
      { number: '4008762227', status: 'active', tenantId: 'someone-else', accessNumber: '+6531582227' },
    ];
    for (const { number, ...state } of gone) {
      await putItem('numbers', {
        pk: `NUM#${number}`,
        sk: 'NUMBER',
        type: 'number',
        number,
        segment: '4008',
        version: 3,
        ...state,
      });
      const stored = await api.put(`/v1/numbers/${number}/routing`, ENTERPRISE_INPUT, admin);
      expect(stored.status, `${state.status} ${number}`).toBe(404);
      expect((await api.post(`/v1/numbers/${number}/routing/apply`, undefined, admin)).status).toBe(404);
    }
    expect((await api.get('/local/connect')).body.writes).toHaveLength(writesBefore);
  });

  it('a test call dials nothing, arms nothing and charges nothing', async () => {
    expect((await api.put(`/v1/numbers/${NUMBER}/routing`, ENTERPRISE_INPUT, admin)).status).toBe(200);
    const before = (await api.get('/local/connect')).body;
    for (let i = 0; i < 5; i++) {
      const walked = await api.post(
        `/v1/numbers/${NUMBER}/routing/test-calls`,
        { caller: '+862161234567', at: '2026-11-25T02:00:00.000Z', keys: ['2', '1'] },
        admin,
      );
      expect(walked.status).toBe(200);
      expect(walked.body.outcome).toMatchObject({ kind: 'transferred', destination: '+8613910001234' });
    }
    const after = (await api.get('/local/connect')).body;
    expect(after.writes).toHaveLength(before.writes.length);
    expect(after.callLimits).toEqual(before.callLimits);
    expect((await api.get('/v1/account', admin)).body.balance).toBe(100_000);
  });

  it('renaming queues on every apply recycles the Connect queues it no longer uses: none pile up', async () => {
    const ofNumber = (names: Record<string, unknown>, prefix: string) =>
      Object.keys(names).filter((n) => n.startsWith(`${prefix}-${NUMBER}-`));
    const start = Date.parse((await api.get('/local/clock')).body.now);
    for (let round = 0; round < 5; round++) {
      // A minute apart: apply is an `expensive` request (20 a minute).
      await api.setClock(new Date(start + (round + 1) * 60_000).toISOString());
      const queues = [0, 1, 2].map((i) => ({
        id: `r${round}q${i}`,
        name: `Desk ${i}`,
        agentGroup: `g${round}`,
      }));
      const stored = await api.put(
        `/v1/numbers/${NUMBER}/routing`,
        {
          ...ENTERPRISE_INPUT,
          queues,
          menus: {},
          defaultDestination: { type: 'queue', queueId: 'r0q0'.replace('0', `${round}`) },
        },
        admin,
      );
      expect(stored.status).toBe(200);
      const applied = await api.post(`/v1/numbers/${NUMBER}/routing/apply`, undefined, admin);
      expect(applied.body, JSON.stringify(applied.body)).toMatchObject({ status: 'applied' });
    }
    const connect = (await api.get('/local/connect')).body;
    // 3 queues and their VIP twins, one routing profile: what the last configuration uses, nothing more.
    expect(ofNumber(connect.queues, 'q400').sort()).toEqual(
      ['r4q0', 'r4q0-vip', 'r4q1', 'r4q1-vip', 'r4q2', 'r4q2-vip'].map((q) => `q400-${NUMBER}-${q}`),
    );
    expect(ofNumber(connect.routingProfiles, 'rp400')).toEqual([`rp400-${NUMBER}-g4`]);
    const walked = await api.post(
      `/v1/numbers/${NUMBER}/routing/test-calls`,
      { caller: '+862161234567', at: '2026-11-25T02:00:00.000Z', source: 'applied' },
      admin,
    );
    expect(walked.body.outcome).toMatchObject({
      kind: 'queued',
      queueArn: connect.queues[`q400-${NUMBER}-r4q0`].arn,
    });
  });
});
