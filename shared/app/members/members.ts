/**
 * Primary course: a tenant-admin manages its own tenant's members — invites one (Cognito creates the user
 * with the tenant and mails the invitation; the index of record lists it), lists them, changes a role, or
 * removes one (out of the index, every refresh token revoked, sign-in disabled).
 * Variations:
 * - the acting admin joins the index on first use (users created by operators with scripts/create-user.ts
 *   are not in it yet), so the last-admin guard counts it; one the index knows as removed or demoted is a 403
 *   even while its token lives;
 * - demoting or removing the last tenant-admin is a 409 `last_admin`;
 * - a member of another tenant, or one already removed, is a 404;
 * - a retried invitation completes the user it created; an e-mail in use elsewhere is a 409;
 * - a removal interrupted after leaving the index finishes its revocation when retried.
 */
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import type { Member, MemberRole } from '../../domain/members/member.js';
import { type DirectoryPort, MemberEmailTaken, type MemberStore } from '../../ports/members.js';
import type { Page } from '../../ports/paging.js';

export interface MembersDeps {
  readonly store: MemberStore;
  readonly directory: () => Promise<DirectoryPort>;
}

export interface ActingAdmin {
  readonly tenantId: string;
  readonly sub: string;
  readonly email?: string;
}

export interface MemberView {
  readonly memberId: string;
  readonly email: string;
  readonly role: MemberRole;
  readonly status: Member['status'];
  readonly invitedAt: string;
  readonly removedAt?: string;
}

export const memberView = (m: Member): MemberView => ({
  memberId: m.memberId,
  email: m.email,
  role: m.role,
  status: m.status,
  invitedAt: m.invitedAt,
  ...(m.removedAt ? { removedAt: m.removedAt } : {}),
});

const memberNotFound = () => notFound('member_not_found', 'no such member in this tenant');

export function membersUseCases(deps: MembersDeps) {
  const { store } = deps;

  /**
   * The acting admin in the index (once): the token vouches for its tenant and role. An admin the index
   * knows as removed or demoted is refused at once, though its token may live on for up to 15 minutes.
   */
  async function enrol(actor: ActingAdmin, now: Date): Promise<void> {
    const known = await store.get(actor.tenantId, actor.sub);
    if (known) {
      if (known.status !== 'active' || known.role !== 'tenant-admin')
        throw forbidden('not_an_admin', 'this user is no longer a tenant-admin of this tenant');
      return;
    }
    await store.add({
      memberId: actor.sub,
      tenantId: actor.tenantId,
      email: actor.email ?? '',
      role: 'tenant-admin',
      status: 'active',
      invitedAt: now.toISOString(),
    });
  }

  async function activeMember(tenantId: string, memberId: string): Promise<Member> {
    const member = await store.get(tenantId, memberId);
    if (member?.status !== 'active') throw memberNotFound();
    return member;
  }

  return {
    async list(input: {
      actor: ActingAdmin;
      now: Date;
      limit: number;
      cursor?: string;
    }): Promise<Page<MemberView>> {
      await enrol(input.actor, input.now);
      const page = await store.list(input.actor.tenantId, { limit: input.limit, cursor: input.cursor });
      return {
        items: page.items.map(memberView),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },

    async invite(input: {
      actor: ActingAdmin;
      now: Date;
      email: string;
      role: MemberRole;
    }): Promise<MemberView> {
      const { actor } = input;
      await enrol(actor, input.now);
      const directory = await deps.directory();
      let memberId: string;
      try {
        ({ memberId } = await directory.createUser({ email: input.email, tenantId: actor.tenantId }));
      } catch (error) {
        if (error instanceof MemberEmailTaken)
          throw conflict('email_taken', 'this e-mail already has a sign-in; use another one');
        throw error;
      }
      const existing = await store.get(actor.tenantId, memberId);
      if (existing?.status === 'active') throw conflict('member_exists', 'this e-mail is already a member');
      await directory.setRole(memberId, input.role);
      const member: Member = {
        memberId,
        tenantId: actor.tenantId,
        email: input.email.toLowerCase(),
        role: input.role,
        status: 'active',
        invitedAt: input.now.toISOString(),
        invitedBy: actor.sub,
      };
      await store.add(member);
      return memberView(member);
    },

    async changeRole(input: {
      actor: ActingAdmin;
      now: Date;
      memberId: string;
      role: MemberRole;
    }): Promise<{ before: MemberView; after: MemberView }> {
      await enrol(input.actor, input.now);
      const before = await activeMember(input.actor.tenantId, input.memberId);
      const after = await store.changeRole(input.actor.tenantId, input.memberId, input.role);
      // Applied even when the index already says so: a retry after a failed group change completes it.
      await (await deps.directory()).setRole(input.memberId, input.role);
      return { before: memberView(before), after: memberView(after) };
    },

    async remove(input: {
      actor: ActingAdmin;
      now: Date;
      memberId: string;
    }): Promise<{ before: MemberView; after: MemberView }> {
      await enrol(input.actor, input.now);
      const before = await store.get(input.actor.tenantId, input.memberId);
      if (!before || before.status === 'removed') throw memberNotFound();
      await store.markRemoving(input.actor.tenantId, input.memberId, input.now.toISOString());
      await (await deps.directory()).revoke(input.memberId);
      const after = await store.markRemoved(input.actor.tenantId, input.memberId);
      return { before: memberView(before), after: memberView(after) };
    },
  };
}

export type MembersUseCases = ReturnType<typeof membersUseCases>;
