/** PATCH /v1/members/{memberId} — change a member's role. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { changeRoleBody, memberPath } from '../../../shared/http/schemas/members.js';
import { members } from '../../../shared/runtime/members.js';

export const handler = apiHandler(
  'changeMemberRole',
  { path: memberPath, body: changeRoleBody },
  async ({ path, body, principal, now }) => {
    const { before, after } = await members.changeRole({
      actor: { tenantId: requireTenant(principal), sub: principal.subject, email: principal.email },
      now,
      memberId: path.memberId,
      role: body.role,
    });
    return {
      body: after,
      audit: {
        object: `member:${after.memberId}`,
        before: { role: before.role },
        after: { role: after.role },
      },
    };
  },
);
