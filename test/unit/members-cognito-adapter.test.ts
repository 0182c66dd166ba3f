import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CognitoDirectory } from '../../shared/adapters/cognito/cognito-directory.js';
import { MemberEmailTaken } from '../../shared/ports/members.js';
import { cognitoRequestProblems, receivedCognitoProblems } from '../support/cognito-model.js';

const POOL = 'ap-southeast-1_AbC123xyz';
const SUB = '0f8e2a3c-1b4d-4e5f-8a9b-0c1d2e3f4a5b';
const cognito = mockClient(CognitoIdentityProviderClient);
const directory = () =>
  new CognitoDirectory(POOL, new CognitoIdentityProviderClient({ region: 'ap-southeast-1' }));

afterEach(() => cognito.reset());

const exists = () => new UsernameExistsException({ message: 'User account already exists', $metadata: {} });

describe('the Cognito members adapter', () => {
  it('creates the user with its e-mail and immutable tenant, and answers its sub', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: SUB }] } });
    const created = await directory().createUser({ email: 'Wang.Fang@Example.cn', tenantId: 'acme' });
    expect(created).toEqual({ memberId: SUB, created: true });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'wang.fang@example.cn',
      UserAttributes: [
        { Name: 'email', Value: 'wang.fang@example.cn' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenant_id', Value: 'acme' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(receivedCognitoProblems(cognito.calls())).toEqual([]);
  });

  it('a retried invitation finds its own user by e-mail (ListUsers, Limit within 0-60)', async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    cognito.on(ListUsersCommand).resolves({
      Users: [
        {
          Enabled: true,
          Attributes: [
            { Name: 'sub', Value: SUB },
            { Name: 'custom:tenant_id', Value: 'acme' },
          ],
        },
      ],
    });
    expect(await directory().createUser({ email: 'li@example.cn', tenantId: 'acme' })).toEqual({
      memberId: SUB,
      created: false,
    });
    expect(cognito.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Filter: 'email = "li@example.cn"',
      Limit: 1,
    });
    expect(receivedCognitoProblems(cognito.calls())).toEqual([]);
  });

  it("refuses an e-mail that belongs to another tenant's user", async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    cognito.on(ListUsersCommand).resolves({
      Users: [
        {
          Enabled: true,
          Attributes: [
            { Name: 'sub', Value: SUB },
            { Name: 'custom:tenant_id', Value: 'other' },
          ],
        },
      ],
    });
    await expect(directory().createUser({ email: 'li@example.cn', tenantId: 'acme' })).rejects.toBeInstanceOf(
      MemberEmailTaken,
    );
  });

  it('sets a role as exactly one member group, addressing the user by its sub', async () => {
    cognito.onAnyCommand().resolves({});
    await directory().setRole(SUB, 'tenant-viewer');
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: SUB,
      GroupName: 'tenant-viewer',
    });
    expect(
      cognito.commandCalls(AdminRemoveUserFromGroupCommand).map((c) => c.args[0].input.GroupName),
    ).toEqual(['tenant-admin']);
    expect(receivedCognitoProblems(cognito.calls())).toEqual([]);
  });

  it('revokes: global sign-out (refresh tokens stop at once), then disable (no new sign-in)', async () => {
    cognito.onAnyCommand().resolves({});
    await directory().revoke(SUB);
    expect(cognito.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual([
      AdminUserGlobalSignOutCommand.name,
      AdminDisableUserCommand.name,
    ]);
    expect(receivedCognitoProblems(cognito.calls())).toEqual([]);
  });

  it('the model check itself fails on requests Cognito would refuse', () => {
    expect(cognitoRequestProblems('ListUsers', { UserPoolId: POOL, Limit: 61 })).toEqual([
      'ListUsers: Limit 61 is above 60',
    ]);
    expect(
      cognitoRequestProblems('AdminAddUserToGroup', { UserPoolId: 'pool', Username: 'a b', GroupName: '' }),
    ).toEqual([
      'AdminAddUserToGroup: UserPoolId "pool" does not match /^[\\w-]+_[0-9a-zA-Z]+$/',
      'AdminAddUserToGroup: Username "a b" does not match /^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$/u',
      'AdminAddUserToGroup: GroupName is shorter than 1',
      'AdminAddUserToGroup: GroupName "" does not match /^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$/u',
    ]);
    expect(
      cognitoRequestProblems('AdminCreateUser', {
        UserPoolId: POOL,
        Username: 'x@example.cn',
        UserAttributes: [{ Name: 'custom:tenant_identifier_that_is_long', Value: 'a' }],
        DesiredDeliveryMediums: ['PIGEON'],
      }),
    ).toEqual([
      'AdminCreateUser: UserAttributes[0].Name is longer than 32',
      'AdminCreateUser: DesiredDeliveryMediums[0] "PIGEON" is not one of the model\'s values',
    ]);
  });
});
