/**
 * Members of a tenant: its users, each with one role. The last tenant-admin of a tenant can be neither
 * demoted nor removed, so a tenant never locks itself out of its own administration.
 */
import { conflict } from '../errors.js';

export const MEMBER_ROLES = ['tenant-admin', 'tenant-viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** `removing`: taken out of the index, its sign-in not yet revoked (a retried removal finishes it). */
export type MemberStatus = 'active' | 'removing' | 'removed';

export interface Member {
  /** The user's identity id (Cognito `sub`). */
  readonly memberId: string;
  readonly tenantId: string;
  readonly email: string;
  readonly role: MemberRole;
  readonly status: MemberStatus;
  readonly invitedAt: string;
  readonly invitedBy?: string;
  readonly removedAt?: string;
}

export const isMemberRole = (value: unknown): value is MemberRole =>
  typeof value === 'string' && (MEMBER_ROLES as readonly string[]).includes(value);

export const lastAdmin = () =>
  conflict('last_admin', 'the tenant would have no tenant-admin left: make another member admin first');
