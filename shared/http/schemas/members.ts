/** Request and response schemas of members and the audit trail; every object strict. */
import * as z from 'zod/mini';
import { MEMBER_ROLES } from '../../domain/members/member.js';
import { cursorParam, limitParam } from './common.js';
import type { RouteSchemas } from './types.js';

/**
 * An e-mail Cognito takes as a Username and attribute value (at most 128 characters, no whitespace, no
 * quotes or backslashes: it is also quoted in a ListUsers filter).
 */
const email = z
  .string()
  .check(z.maxLength(128), z.regex(/^[^\s@"\\]+@[^\s@"\\]+\.[^\s@"\\]+$/, 'an e-mail address'));
/** A Cognito `sub`: a UUID. */
const memberId = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a member id (UUID)'));
const role = z.enum(MEMBER_ROLES);
const instant = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/, 'an ISO-8601 UTC instant (…Z)'),
  z.refine((s) => !Number.isNaN(Date.parse(s)), 'a real instant'),
);

export const membersQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });
export const inviteMemberBody = z.strictObject({ email, role });
export const memberPath = z.strictObject({ memberId });
export const changeRoleBody = z.strictObject({ role });
export const auditEventsQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam,
  /** Operators: whose trail (a tenant id, or `platform`); tenants read their own and may not name one. */
  tenantId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tenant id'))),
  /** A user's sub, or `operator` for every operator action. */
  actor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_:.@-]{1,128}$/, 'a user id or "operator"'))),
  object: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  from: z.optional(instant),
  to: z.optional(instant),
});

const memberView = z.object({
  memberId: z.string(),
  email: z.string(),
  role,
  status: z.enum(['active', 'removing', 'removed']),
  invitedAt: z.string(),
  removedAt: z.optional(z.string()),
});
const summary = z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])));
const auditEvent = z.object({
  eventId: z.string(),
  at: z.string(),
  tenantId: z.string(),
  actor: z.object({
    kind: z.enum(['tenant', 'operator']),
    sub: z.optional(z.string()),
    email: z.optional(z.string()),
  }),
  routeId: z.string(),
  method: z.string(),
  requestId: z.string(),
  correlationId: z.string(),
  object: z.string(),
  status: z.number(),
  before: summary,
  after: summary,
});

export const MEMBER_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  listMembers: {
    query: membersQuery,
    response: z.object({ items: z.array(memberView), nextCursor: z.optional(z.string()) }),
  },
  inviteMember: { body: inviteMemberBody, status: 201, response: memberView },
  changeMemberRole: { path: memberPath, body: changeRoleBody, response: memberView },
  removeMember: { path: memberPath, response: memberView },
  listAuditEvents: {
    query: auditEventsQuery,
    response: z.object({ items: z.array(auditEvent), nextCursor: z.optional(z.string()) }),
  },
};
