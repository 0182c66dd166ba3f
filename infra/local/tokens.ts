/**
 * Dev tokens for the local runtime. In AWS, Cognito issues tokens and API Gateway's JWT authorizer
 * verifies them; locally we sign HS256 tokens with a per-run secret and verify them the same way
 * (signature, issuer, audience, expiry) before a handler sees the claims. A revoked user (a removed member)
 * gets no token and its tokens stop verifying at once: locally stricter than AWS, where a token already
 * issued lives out its 15 minutes.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { GROUPS_CLAIM, ROLES, type Role, TENANT_CLAIM } from '../../shared/http/roles.js';

export const LOCAL_ISSUER = 'https://hotline400.local/issuer';
export const LOCAL_AUDIENCE = 'hotline400-local';

export interface TokenRequest {
  readonly tenantId?: string;
  readonly roles: readonly Role[];
  readonly subject?: string;
  /** The `email` claim (Cognito's ID tokens carry it). */
  readonly email?: string;
  /** Lifetime in seconds (default 12 h). */
  readonly ttlSeconds?: number;
}

export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

export class LocalTokenIssuer {
  private readonly secret: Uint8Array;
  private readonly revoked = new Set<string>();

  constructor(secret: Uint8Array = randomBytes(32)) {
    this.secret = secret;
  }

  /** From now on this subject gets no token, and its tokens no longer verify (the local global sign-out). */
  revoke(subject: string): void {
    this.revoked.add(subject);
  }

  async issue(request: TokenRequest): Promise<string> {
    const subject = request.subject ?? `local-${request.tenantId ?? 'operator'}-${request.roles.join('+')}`;
    if (this.revoked.has(subject)) throw new TokenRefused(`user ${subject} is disabled`);
    const claims: Record<string, unknown> = { [GROUPS_CLAIM]: [...request.roles], token_use: 'id' };
    if (request.tenantId) claims[TENANT_CLAIM] = request.tenantId;
    if (request.email) claims.email = request.email;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${request.ttlSeconds ?? 12 * 3600}s`)
      .sign(this.secret);
  }

  /**
   * Verifies a bearer token and returns the claims as API Gateway's JWT authorizer hands them to a
   * function: every value a string, arrays flattened to "[a b]".
   */
  async verify(token: string): Promise<Record<string, string> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
      });
      if (payload.sub !== undefined && this.revoked.has(payload.sub)) return undefined;
      return Object.fromEntries(
        Object.entries(payload).map(([key, value]) => [
          key,
          Array.isArray(value)
            ? `[${value.join(' ')}]`
            : typeof value === 'string'
              ? value
              : JSON.stringify(value),
        ]),
      );
    } catch {
      return undefined;
    }
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
