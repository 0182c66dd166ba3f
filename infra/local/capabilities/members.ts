/**
 * Members locally: the user pool's stand-in (shared/adapters/local/local-directory.ts), whose revocations
 * make the local token issuer refuse the removed member at once. A member "signs in" with
 * POST /local/sign-in {"email"} (Cognito's hosted sign-in in AWS): a token with its sub, e-mail, tenant and
 * role, refused once it is removed. GET /local/directory shows what Cognito would have been asked.
 */
import { LocalDirectory } from '../../../shared/adapters/local/local-directory.js';
import { usePorts } from '../../../shared/runtime/ports.js';
import type { LocalCapability } from '../capability.js';
import { TokenRefused } from '../tokens.js';

/** Locally as in AWS (infra/constructs/user-directory.ts TOKEN_LIFETIME). */
const MEMBER_TOKEN_SECONDS = 15 * 60;

let directory: LocalDirectory | undefined;

const refused = (code: string, message: string) => ({
  status: 401,
  body: { error: { code, message, field: 'email' } },
});

export const capability: LocalCapability = {
  name: 'members',
  async setup(runtime) {
    directory = new LocalDirectory((sub) => runtime.tokens.revoke(sub));
    usePorts({ directory });
  },
  routes: [
    {
      method: 'GET',
      path: '/local/directory',
      handle: async () => ({ status: 200, body: { requests: directory?.requests ?? [] } }),
    },
    {
      method: 'POST',
      path: '/local/sign-in',
      handle: async ({ body }, runtime) => {
        const email = (body as { email?: unknown } | undefined)?.email;
        if (typeof email !== 'string')
          return refused('invalid_input', 'email: the e-mail the member was invited with');
        const user = directory?.byEmail(email);
        if (!user?.role) return refused('sign_in_failed', 'no such user');
        if (!user.enabled) return refused('user_disabled', 'this user is disabled');
        try {
          const token = await runtime.tokens.issue({
            subject: user.sub,
            email: user.email,
            tenantId: user.tenantId,
            roles: [user.role],
            ttlSeconds: MEMBER_TOKEN_SECONDS,
          });
          return { status: 200, body: { token, tokenType: 'Bearer', expiresIn: MEMBER_TOKEN_SECONDS } };
        } catch (error) {
          if (error instanceof TokenRefused) return refused('user_disabled', error.message);
          throw error;
        }
      },
    },
  ],
};
