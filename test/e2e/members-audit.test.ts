/**
 * Members and the audit trail over HTTP on the local runtime: a tenant-admin invites a member, the member
 * signs in and works, is removed and is refused from then on; every write leaves an audit event with its
 * real actor; the other tenant cannot read it; a tenant sees an operator only as "operator".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ clockAt: '2026-11-25T02:00:00Z' });
});
afterAll(() => api.stop());

const tokenFor = async (body: Record<string, unknown>) => {
  const response = await api.post('/local/tokens', body);
  expect(response.status).toBe(201);
  return response.body.token as string;
};
const signIn = (email: string) => api.post('/local/sign-in', { email });
/** The owner's Cognito sub (created by operators with scripts/create-user.ts, so not yet in the index). */
const OWNER = '6c1e1b7e-5d0a-4f43-9d1c-3a3f0b7f2a10';

describe('members and the audit trail', () => {
  let owner: string;
  let memberId: string;

  it('invite → the member signs in and reads → removed → its token and its sign-in are refused', async () => {
    owner = await tokenFor({
      tenantId: 'demo',
      roles: ['tenant-admin'],
      subject: OWNER,
      email: 'owner@demo.cn',
    });
    const invited = await api.post('/v1/members', { email: 'Li.Wei@Demo.cn', role: 'tenant-viewer' }, owner);
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: 'li.wei@demo.cn', role: 'tenant-viewer', status: 'active' });
    memberId = invited.body.memberId;

    const session = await signIn('li.wei@demo.cn');
    expect(session.status).toBe(200);
    expect(session.body.expiresIn).toBe(900);
    const li = session.body.token as string;
    expect((await api.get('/v1/account', li)).status).toBe(200);
    // A viewer cannot manage members.
    expect((await api.get('/v1/members', li)).status).toBe(403);

    const listed = await api.get('/v1/members', owner);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: { email: string }) => m.email).sort()).toEqual([
      'li.wei@demo.cn',
      'owner@demo.cn',
    ]);

    const removed = await api.request('DELETE', `/v1/members/${memberId}`, { token: owner });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ memberId, status: 'removed' });
    const asked = (await api.get('/local/directory')).body.requests.map(
      (r: { operation: string }) => r.operation,
    );
    expect(asked.slice(-2)).toEqual(['AdminUserGlobalSignOut', 'AdminDisableUser']);

    expect((await api.get('/v1/account', li)).status).toBe(401);
    const again = await signIn('li.wei@demo.cn');
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('user_disabled');
    // Removing again, or removing the last admin (itself), is refused without a 500.
    expect((await api.request('DELETE', `/v1/members/${memberId}`, { token: owner })).status).toBe(404);
    const self = await api.request('DELETE', '/v1/members/00000000-0000-4000-8000-000000000000', {
      token: owner,
    });
    expect(self.status).toBe(404);
  });

  it("another tenant's admin cannot touch the member (404) nor read the trail", async () => {
    const other = await tokenFor({
      tenantId: 'rival',
      roles: ['tenant-admin'],
      subject: 'rival-owner',
      email: 'o@rival.cn',
    });
    const patched = await api.request('PATCH', `/v1/members/${memberId}`, {
      token: other,
      body: { role: 'tenant-admin' },
    });
    expect(patched.status).toBe(404);
    expect(patched.body.error.code).toBe('member_not_found');
    const trail = await api.get('/v1/audit-events', other);
    expect(trail.status).toBe(200);
    expect(JSON.stringify(trail.body)).not.toContain('demo');
    const named = await api.get('/v1/audit-events?tenantId=demo', other);
    expect(named.status).toBe(400);
    expect(named.body.error.field).toBe('tenantId');
  });

  it('records each write with its actor, object and before/after; a tenant sees an operator as "operator"', async () => {
    const operator = await tokenFor({ roles: ['operator'], subject: 'op-7', email: 'ops@hotline.cn' });
    const credited = await api.request('POST', '/v1/accounts/demo/credits', {
      token: operator,
      body: { kind: 'promotional', amount: 500, reason: 'audit e2e goodwill' },
      headers: { 'idempotency-key': 'audit-e2e-credit-1' },
    });
    expect(credited.status).toBeLessThan(300);

    const trail = await api.get('/v1/audit-events?limit=10', owner);
    expect(trail.status).toBe(200);
    const byRoute = (id: string) => trail.body.items.filter((e: { routeId: string }) => e.routeId === id);
    expect(byRoute('inviteMember')).toEqual([
      expect.objectContaining({
        tenantId: 'demo',
        actor: { kind: 'tenant', sub: OWNER, email: 'owner@demo.cn' },
        method: 'POST',
        object: `member:${memberId}`,
        status: 201,
        after: { email: 'li.wei@demo.cn', role: 'tenant-viewer' },
        at: '2026-11-25T02:00:00.000Z',
      }),
    ]);
    expect(byRoute('removeMember')).toEqual([
      expect.objectContaining({
        actor: { kind: 'tenant', sub: OWNER, email: 'owner@demo.cn' },
        before: { email: 'li.wei@demo.cn', role: 'tenant-viewer', status: 'active' },
        after: { status: 'removed' },
      }),
    ]);
    const [credit] = byRoute('createCredit');
    expect(credit).toMatchObject({ actor: { kind: 'operator' }, object: '/v1/accounts/demo/credits' });
    expect(JSON.stringify(trail.body)).not.toMatch(/op-7|ops@hotline/);
    // Reads leave nothing.
    expect(byRoute('listMembers')).toEqual([]);

    const byOwner = await api.get(`/v1/audit-events?actor=${OWNER}`, owner);
    expect(byOwner.body.items.map((e: { routeId: string }) => e.routeId).sort()).toEqual([
      'inviteMember',
      'removeMember',
    ]);
    const paged = await api.get('/v1/audit-events?limit=1', owner);
    expect(paged.body.items).toHaveLength(1);
    expect(typeof paged.body.nextCursor).toBe('string');
    const next = await api.get(
      `/v1/audit-events?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
      owner,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].eventId).not.toBe(paged.body.items[0].eventId);

    const asOperator = await api.get('/v1/audit-events?tenantId=demo&actor=operator', operator);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.items[0].actor).toEqual({
      kind: 'operator',
      sub: 'op-7',
      email: 'ops@hotline.cn',
    });
    expect((await api.get('/v1/audit-events', operator)).status).toBe(400);
  });
});
