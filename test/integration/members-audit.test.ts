/**
 * Members and the audit trail on the embedded engine: the members index with its last-admin guard (also
 * under two concurrent demotions), and the audit table's append-only puts, newest-first pages and filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit-log.js';
import { DynamoMemberStore } from '../../shared/adapters/dynamo/member-store.js';
import { LocalDirectory } from '../../shared/adapters/local/local-directory.js';
import { listAuditEvents } from '../../shared/app/audit/list-audit-events.js';
import { membersUseCases } from '../../shared/app/members/members.js';
import type { AuditEvent } from '../../shared/domain/audit/audit-event.js';
import { DomainError } from '../../shared/domain/errors.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(() => db.stop());

const NOW = new Date('2026-11-25T02:00:00.000Z');
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.code}`;
    throw error;
  }
};

function membersWith(revoked: string[] = []) {
  const directory = new LocalDirectory((sub) => revoked.push(sub));
  return {
    directory,
    members: membersUseCases({ store: new DynamoMemberStore(), directory: async () => directory }),
  };
}

describe('members on the engine', () => {
  it('invites, lists, changes a role, removes (revoking), and keeps the last admin', async () => {
    const revoked: string[] = [];
    const { members, directory } = membersWith(revoked);
    const owner = { tenantId: 'acme', sub: 'owner-sub', email: 'owner@acme.cn' };
    const li = await members.invite({ actor: owner, now: NOW, email: 'Li@Acme.cn', role: 'tenant-viewer' });
    expect(li).toMatchObject({ email: 'li@acme.cn', role: 'tenant-viewer', status: 'active' });

    const listed = await members.list({ actor: owner, now: NOW, limit: 10 });
    expect(listed.items.map((m) => [m.email, m.role]).sort()).toEqual([
      ['li@acme.cn', 'tenant-viewer'],
      ['owner@acme.cn', 'tenant-admin'],
    ]);

    // The owner is the only admin: it can neither step down nor leave.
    expect(
      await codeOf(
        members.changeRole({ actor: owner, now: NOW, memberId: 'owner-sub', role: 'tenant-viewer' }),
      ),
    ).toBe('conflict:last_admin');
    expect(await codeOf(members.remove({ actor: owner, now: NOW, memberId: 'owner-sub' }))).toBe(
      'conflict:last_admin',
    );

    // Li becomes admin; now the owner may step down.
    const promoted = await members.changeRole({
      actor: owner,
      now: NOW,
      memberId: li.memberId,
      role: 'tenant-admin',
    });
    expect(promoted).toEqual({
      before: expect.objectContaining({ role: 'tenant-viewer' }),
      after: expect.objectContaining({ role: 'tenant-admin' }),
    });
    expect(
      directory.requests.filter((r) => r.operation === 'AdminAddUserToGroup').map((r) => r.input.GroupName),
    ).toEqual(['tenant-viewer', 'tenant-admin']);

    const liActor = { tenantId: 'acme', sub: li.memberId, email: 'li@acme.cn' };
    const removed = await members.remove({ actor: liActor, now: NOW, memberId: 'owner-sub' });
    expect(removed.after).toMatchObject({ status: 'removed', removedAt: NOW.toISOString() });
    expect(revoked).toEqual(['owner-sub']);
    expect(directory.requests.slice(-2).map((r) => r.operation)).toEqual([
      'AdminUserGlobalSignOut',
      'AdminDisableUser',
    ]);
    // Removed is gone: a second removal or a role change is a 404.
    expect(await codeOf(members.remove({ actor: liActor, now: NOW, memberId: 'owner-sub' }))).toBe(
      'not_found:member_not_found',
    );
    // The removed owner's token may live on (up to 15 minutes in AWS): the member routes refuse it already.
    expect(await codeOf(members.list({ actor: owner, now: NOW, limit: 10 }))).toBe('forbidden:not_an_admin');
    // And Li, now the last admin, is kept.
    expect(await codeOf(members.remove({ actor: liActor, now: NOW, memberId: li.memberId }))).toBe(
      'conflict:last_admin',
    );
  });

  it("another tenant's member is a 404, whatever the verb", async () => {
    const { members } = membersWith();
    const acme = { tenantId: 'acme2', sub: 'acme2-owner', email: 'o@acme2.cn' };
    const other = { tenantId: 'other2', sub: 'other2-owner', email: 'o@other2.cn' };
    const victim = await members.invite({
      actor: acme,
      now: NOW,
      email: 'v@acme2.cn',
      role: 'tenant-viewer',
    });
    expect(await codeOf(members.remove({ actor: other, now: NOW, memberId: victim.memberId }))).toBe(
      'not_found:member_not_found',
    );
    expect(
      await codeOf(
        members.changeRole({ actor: other, now: NOW, memberId: victim.memberId, role: 'tenant-admin' }),
      ),
    ).toBe('not_found:member_not_found');
    const seen = await members.list({ actor: other, now: NOW, limit: 10 });
    expect(seen.items.map((m) => m.email)).toEqual(['o@other2.cn']);
  });

  it('an e-mail that signs in for another tenant is refused (409), and a repeated invitation too', async () => {
    const { members } = membersWith();
    const a = { tenantId: 'ta', sub: 'ta-owner', email: 'o@ta.cn' };
    const b = { tenantId: 'tb', sub: 'tb-owner', email: 'o@tb.cn' };
    await members.invite({ actor: a, now: NOW, email: 'shared@x.cn', role: 'tenant-viewer' });
    expect(
      await codeOf(members.invite({ actor: b, now: NOW, email: 'shared@x.cn', role: 'tenant-viewer' })),
    ).toBe('conflict:email_taken');
    expect(
      await codeOf(members.invite({ actor: a, now: NOW, email: 'SHARED@x.cn', role: 'tenant-admin' })),
    ).toBe('conflict:member_exists');
  });

  it('two admins demoting each other at once leave exactly one admin', async () => {
    const { members } = membersWith();
    const first = { tenantId: 'race', sub: 'race-first', email: 'a@race.cn' };
    const second = await members.invite({ actor: first, now: NOW, email: 'b@race.cn', role: 'tenant-admin' });
    const secondActor = { tenantId: 'race', sub: second.memberId, email: 'b@race.cn' };
    const outcomes = await Promise.all([
      codeOf(
        members.changeRole({ actor: first, now: NOW, memberId: second.memberId, role: 'tenant-viewer' }),
      ),
      codeOf(
        members.changeRole({ actor: secondActor, now: NOW, memberId: 'race-first', role: 'tenant-viewer' }),
      ),
    ]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(
      outcomes.filter((o) => o === 'conflict:last_admin' || o === 'conflict:member_changed'),
    ).toHaveLength(1);
    const listed = await members.list({ actor: first, now: NOW, limit: 10 });
    expect(listed.items.filter((m) => m.role === 'tenant-admin')).toHaveLength(1);
  });
});

const event = (tenantId: string, minute: number, actor: AuditEvent['actor'], object: string): AuditEvent => {
  const at = `2026-11-25T02:${String(minute).padStart(2, '0')}:00.000Z`;
  return {
    eventId: `${at}#req-${tenantId}-${minute}`,
    at,
    tenantId,
    actor,
    routeId: 'putRouting',
    method: 'PUT',
    requestId: `req-${tenantId}-${minute}`,
    correlationId: `req-${tenantId}-${minute}`,
    object,
    status: 200,
  };
};

describe('the audit table on the engine', () => {
  const log = new DynamoAuditLog();
  const li = { kind: 'tenant', sub: 'li', email: 'li@acme.cn' } as const;
  const wang = { kind: 'tenant', sub: 'wang', email: 'wang@acme.cn' } as const;
  const op = { kind: 'operator', sub: 'op-7', email: 'ops@hotline.cn' } as const;

  beforeAll(async () => {
    for (const [minute, actor, object] of [
      [1, li, '/v1/numbers/4008001234/routing'],
      [2, wang, '/v1/numbers/4008001234/routing'],
      [3, op, '/v1/accounts/audacme/credits'],
      [4, li, 'member:abc'],
      [5, wang, '/v1/numbers/4008005678/routing'],
    ] as const)
      await log.append(event('audacme', minute, actor, object));
    await log.append(event('audother', 3, { kind: 'tenant', sub: 'zhao' }, '/v1/numbers/4006000000/routing'));
  });

  it('never overwrites an event: a second put of the same id is refused', async () => {
    const first = event('audacme', 1, li, '/v1/numbers/4008001234/routing');
    await expect(log.append({ ...first, object: 'forged' })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    const page = await log.list({ tenantId: 'audacme', object: 'forged', limit: 10 });
    expect(page.items).toEqual([]);
  });

  it('pages newest first within the tenant, every event once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await log.list({ tenantId: 'audacme', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.requestId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([
      'req-audacme-5',
      'req-audacme-4',
      'req-audacme-3',
      'req-audacme-2',
      'req-audacme-1',
    ]);
  });

  it("a cursor of one tenant's trail is refused on another's (400 invalid_cursor)", async () => {
    const page = await log.list({ tenantId: 'audacme', limit: 1 });
    expect(page.nextCursor).toBeDefined();
    expect(await codeOf(log.list({ tenantId: 'audother', limit: 1, cursor: page.nextCursor }))).toBe(
      'validation:invalid_cursor',
    );
  });

  it('filters by actor, object and an inclusive time range', async () => {
    const ids = async (query: Parameters<DynamoAuditLog['list']>[0]) =>
      (await log.list(query)).items.map((e) => e.requestId);
    expect(await ids({ tenantId: 'audacme', actorSub: 'li', limit: 10 })).toEqual([
      'req-audacme-4',
      'req-audacme-1',
    ]);
    expect(await ids({ tenantId: 'audacme', object: '/v1/numbers/4008001234/routing', limit: 10 })).toEqual([
      'req-audacme-2',
      'req-audacme-1',
    ]);
    expect(
      await ids({
        tenantId: 'audacme',
        from: '2026-11-25T02:02:00.000Z',
        to: '2026-11-25T02:04:00.000Z',
        limit: 10,
      }),
    ).toEqual(['req-audacme-4', 'req-audacme-3', 'req-audacme-2']);
    expect(await ids({ tenantId: 'audother', limit: 10 })).toEqual(['req-audother-3']);
  });

  it('a tenant reads operators\' actions as "operator"; an operator reads who', async () => {
    const asTenant = await listAuditEvents(
      { store: log },
      { reader: 'tenant', tenantId: 'audacme', actor: 'operator', limit: 10 },
    );
    expect(asTenant.items.map((e) => e.actor)).toEqual([{ kind: 'operator' }]);
    const byOperatorId = await listAuditEvents(
      { store: log },
      { reader: 'tenant', tenantId: 'audacme', actor: 'op-7', limit: 10 },
    );
    expect(byOperatorId.items).toEqual([]);
    const asOperator = await listAuditEvents(
      { store: log },
      { reader: 'operator', tenantId: 'audacme', actor: 'op-7', limit: 10 },
    );
    expect(asOperator.items.map((e) => e.actor)).toEqual([op]);
  });
});
