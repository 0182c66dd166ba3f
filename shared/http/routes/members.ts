import type { Role } from '../roles.js';
import { TENANT_WRITE } from '../roles.js';
import type { RouteDefinition } from '../routes.js';

const MEMBERS = 'members';

/** Tenant-admins read their own tenant's trail; operators any tenant's, by naming it. */
const AUDIT_READERS: readonly Role[] = ['tenant-admin', 'operator'];

/**
 * A tenant-admin manages its own tenant's members (Cognito users, listed from the index of record in the
 * ledger table); `directory` grants the Cognito admin calls on the user pool. The audit trail is written by
 * apiHandler for every write and read here.
 */
export const MEMBER_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'listMembers',
    method: 'GET',
    path: '/v1/members',
    entry: 'functions/api/members/list.ts',
    roles: TENANT_WRITE,
    // Write: the acting admin joins the index on first use.
    tables: { ledger: 'write' },
    capabilities: ['cursors'],
    rateLimit: 'read',
    summary: "The tenant's members (tenant-admins only): e-mail, role, status",
    tag: MEMBERS,
  },
  {
    id: 'inviteMember',
    method: 'POST',
    path: '/v1/members',
    entry: 'functions/api/members/invite.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    capabilities: ['directory'],
    rateLimit: 'expensive',
    summary: 'Invite a member by e-mail with a role: Cognito mails a temporary password',
    tag: MEMBERS,
  },
  {
    id: 'changeMemberRole',
    method: 'PATCH',
    path: '/v1/members/{memberId}',
    entry: 'functions/api/members/change-role.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    capabilities: ['directory'],
    rateLimit: 'write',
    summary:
      "Change a member's role (the last tenant-admin cannot be demoted); it applies from the member's next token, within 15 minutes",
    tag: MEMBERS,
  },
  {
    id: 'removeMember',
    method: 'DELETE',
    path: '/v1/members/{memberId}',
    entry: 'functions/api/members/remove.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    capabilities: ['directory'],
    rateLimit: 'write',
    summary:
      'Remove a member: refresh tokens revoked at once, sign-in disabled, its last tokens expire within 15 minutes (the last tenant-admin cannot be removed)',
    tag: MEMBERS,
  },
  {
    id: 'listAuditEvents',
    method: 'GET',
    path: '/v1/audit-events',
    entry: 'functions/api/audit/list.ts',
    roles: AUDIT_READERS,
    tables: { audit: 'read' },
    capabilities: ['cursors'],
    rateLimit: 'read',
    summary:
      'The audit trail, newest first: every write with its actor (tenants see "operator" for operators), route, object and before/after; by actor, object and time range (operators name the tenantId)',
    tag: MEMBERS,
  },
];
