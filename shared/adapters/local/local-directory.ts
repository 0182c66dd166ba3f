/**
 * The local stand-in for the Cognito user pool: users in memory, with their tenant, role and whether they
 * may sign in. Every request is recorded as the Cognito operation it stands for (GET /local/directory).
 * `onRevoke` lets the local token issuer refuse the revoked user from then on.
 */
import { randomUUID } from 'node:crypto';
import type { MemberRole } from '../../domain/members/member.js';
import { type CreatedUser, type DirectoryPort, MemberEmailTaken } from '../../ports/members.js';

export interface LocalUser {
  readonly sub: string;
  readonly email: string;
  readonly tenantId: string;
  role?: MemberRole;
  enabled: boolean;
}

export interface DirectoryRequest {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export class LocalDirectory implements DirectoryPort {
  readonly requests: DirectoryRequest[] = [];
  private readonly users = new Map<string, LocalUser>();

  constructor(private readonly onRevoke: (sub: string) => void = () => undefined) {}

  async createUser({ email, tenantId }: { email: string; tenantId: string }): Promise<CreatedUser> {
    const username = email.toLowerCase();
    this.requests.push({ operation: 'AdminCreateUser', input: { Username: username, tenantId } });
    const existing = this.byEmail(username);
    if (existing) {
      if (existing.tenantId !== tenantId || !existing.enabled) throw new MemberEmailTaken(username);
      return { memberId: existing.sub, created: false };
    }
    const user: LocalUser = { sub: randomUUID(), email: username, tenantId, enabled: true };
    this.users.set(user.sub, user);
    return { memberId: user.sub, created: true };
  }

  async setRole(memberId: string, role: MemberRole): Promise<void> {
    this.requests.push({ operation: 'AdminAddUserToGroup', input: { Username: memberId, GroupName: role } });
    const user = this.users.get(memberId);
    if (user) user.role = role;
  }

  async revoke(memberId: string): Promise<void> {
    this.requests.push({ operation: 'AdminUserGlobalSignOut', input: { Username: memberId } });
    this.requests.push({ operation: 'AdminDisableUser', input: { Username: memberId } });
    const user = this.users.get(memberId);
    if (user) user.enabled = false;
    this.onRevoke(memberId);
  }

  byEmail(email: string): LocalUser | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((u) => u.email === wanted);
  }
}
