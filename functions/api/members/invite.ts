/** POST /v1/members — invite a member of the caller's tenant. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { inviteMemberBody } from '../../../shared/http/schemas/members.js';
import { members } from '../../../shared/runtime/members.js';

export const handler = apiHandler(
  'inviteMember',
  { body: inviteMemberBody },
  async ({ body, principal, now }) => {
    const member = await members.invite({
      actor: { tenantId: requireTenant(principal), sub: principal.subject, email: principal.email },
      now,
      email: body.email,
      role: body.role,
    });
    return {
      status: 201,
      body: member,
      audit: { object: `member:${member.memberId}`, after: { email: member.email, role: member.role } },
    };
  },
);
