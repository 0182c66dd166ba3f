/**
 * The members' identities in the Cognito user pool: AdminCreateUser with the e-mail and the immutable
 * `custom:tenant_id` (Cognito mails the invitation with a temporary password), one group per role, and on
 * removal AdminUserGlobalSignOut (every refresh token stops at once) then AdminDisableUser (no new sign-in).
 * Users are addressed by their `sub` after creation: the pool signs in by e-mail, so `sub` is a valid
 * Username for every admin operation. A retried invitation finds the user it created with ListUsers
 * (filtered on `email`, a standard attribute: ListUsers cannot filter on custom ones, which is why the
 * tenant's member list is kept in DynamoDB).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { requireEnv } from '../../config.js';
import { MEMBER_ROLES, type MemberRole } from '../../domain/members/member.js';
import { type CreatedUser, type DirectoryPort, MemberEmailTaken } from '../../ports/members.js';

/** The claim the API reads; as a user attribute it is written the same way. */
const TENANT_ATTRIBUTE = 'custom:tenant_id';

type Sender = Pick<CognitoIdentityProviderClient, 'send'>;

const attribute = (attributes: readonly AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

export class CognitoDirectory implements DirectoryPort {
  constructor(
    private readonly userPoolId: string,
    private readonly client: Sender = new CognitoIdentityProviderClient({ maxAttempts: 3 }),
  ) {}

  async createUser({ email, tenantId }: { email: string; tenantId: string }): Promise<CreatedUser> {
    const username = email.toLowerCase();
    try {
      const out = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          UserAttributes: [
            { Name: 'email', Value: username },
            { Name: 'email_verified', Value: 'true' },
            { Name: TENANT_ATTRIBUTE, Value: tenantId },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      const sub = attribute(out.User?.Attributes, 'sub');
      if (!sub) throw new Error('AdminCreateUser returned no sub');
      return { memberId: sub, created: true };
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      return this.existing(username, tenantId);
    }
  }

  /** The user an earlier attempt created for this tenant; a user of another tenant keeps its e-mail. */
  private async existing(email: string, tenantId: string): Promise<CreatedUser> {
    const found = await this.client.send(
      new ListUsersCommand({
        UserPoolId: this.userPoolId,
        Filter: `email = "${email}"`,
        Limit: 1,
      }),
    );
    const user = found.Users?.[0];
    const sub = attribute(user?.Attributes, 'sub');
    if (!user || !sub || attribute(user.Attributes, TENANT_ATTRIBUTE) !== tenantId || user.Enabled === false)
      throw new MemberEmailTaken(email);
    return { memberId: sub, created: false };
  }

  async setRole(memberId: string, role: MemberRole): Promise<void> {
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: memberId, GroupName: role }),
    );
    for (const other of MEMBER_ROLES.filter((r) => r !== role)) {
      await this.client.send(
        new AdminRemoveUserFromGroupCommand({
          UserPoolId: this.userPoolId,
          Username: memberId,
          GroupName: other,
        }),
      );
    }
  }

  async revoke(memberId: string): Promise<void> {
    const key = { UserPoolId: this.userPoolId, Username: memberId };
    await this.client.send(new AdminUserGlobalSignOutCommand(key));
    await this.client.send(new AdminDisableUserCommand(key));
  }
}

/** The pool the stack grants this function (USER_POOL_ID, capability `directory`). */
export function createCognitoDirectoryFromEnv(): CognitoDirectory {
  return new CognitoDirectory(requireEnv('USER_POOL_ID'));
}
