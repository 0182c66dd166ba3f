/** DELETE /v1/members/{memberId} — remove a member and revoke its sign-in. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { memberPath } from '../../../shared/http/schemas/members.js';
import { members } from '../../../shared/runtime/members.js';

export const handler = apiHandler('removeMember', { path: memberPath }, async ({ path, principal, now }) => {
  const { before, after } = await members.remove({
    actor: { tenantId: requireTenant(principal), sub: principal.subject, email: principal.email },
    now,
    memberId: path.memberId,
  });
  return {
    body: after,
    audit: {
      object: `member:${after.memberId}`,
      before: { email: before.email, role: before.role, status: before.status },
      after: { status: after.status },
    },
  };
});
