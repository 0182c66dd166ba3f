/**
 * Members: the identity provider (Cognito in AWS) behind `DirectoryPort`, and the index of record that
 * says which users belong to which tenant (`MemberStore`, DynamoDB): Cognito cannot list users by a
 * custom attribute such as `custom:tenant_id`.
 */
import type { Member, MemberRole } from '../domain/members/member.js';
import type { Page } from './paging.js';

export interface CreatedUser {
  readonly memberId: string;
  /** False when the user already existed with this tenant (a retried invitation): it is completed. */
  readonly created: boolean;
}

export interface DirectoryPort {
  /** Creates the user with its e-mail and immutable tenant; Cognito mails the invitation. */
  createUser(input: { email: string; tenantId: string }): Promise<CreatedUser>;
  /** Puts the user in exactly this role's group (added to it, removed from the other member roles). */
  setRole(memberId: string, role: MemberRole): Promise<void>;
  /** Revokes every refresh token at once (global sign-out) and disables the user: no new sign-in. */
  revoke(memberId: string): Promise<void>;
}

export class MemberEmailTaken extends Error {
  override readonly name = 'MemberEmailTaken';
}

export interface MemberStore {
  get(tenantId: string, memberId: string): Promise<Member | undefined>;
  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Member>>;
  /** Adds an active member (counting it if admin); false when it is already in the index. */
  add(member: Member): Promise<boolean>;
  /**
   * Changes an active member's role. Demoting a tenant-admin fails with `last_admin` when it is the last.
   */
  changeRole(tenantId: string, memberId: string, role: MemberRole): Promise<Member>;
  /** Active → removing (guarded like a demotion for an admin); removing → removed once revoked. */
  markRemoving(tenantId: string, memberId: string, at: string): Promise<Member>;
  markRemoved(tenantId: string, memberId: string): Promise<Member>;
}
