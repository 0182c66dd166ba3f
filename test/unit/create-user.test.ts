import { describe, expect, it } from 'vitest';
import { type CognitoAdmin, createTenantUser, parseCreateUserArgs } from '../../scripts/lib/tenant-user.js';

/**
 * Constraints of the Cognito API model (cognito-idp 2016-04-18) on the parameters the script sends:
 * UserPoolIdType 1-55 `[\w-]+_[0-9a-zA-Z]+`; UsernameType and GroupNameType 1-128
 * `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`; PasswordType at most 256, no whitespace; MessageActionType RESEND|SUPPRESS;
 * DeliveryMediumType SMS|EMAIL; attribute values at most 2048.
 */
function checkRequest(operation: string, input: Record<string, unknown>): void {
  const pool = input.UserPoolId as string;
  expect(pool.length, `${operation} UserPoolId`).toBeGreaterThanOrEqual(1);
  expect(pool.length).toBeLessThanOrEqual(55);
  expect(pool).toMatch(/^[\w-]+_[0-9a-zA-Z]+$/);
  const name = input.Username as string;
  expect(name.length, `${operation} Username`).toBeLessThanOrEqual(128);
  expect(name).toMatch(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
  if ('GroupName' in input) {
    expect((input.GroupName as string).length).toBeLessThanOrEqual(128);
    expect(input.GroupName).toMatch(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
  }
  if ('Password' in input) {
    expect((input.Password as string).length).toBeLessThanOrEqual(256);
    expect(input.Password).toMatch(/^\S+$/);
    expect(typeof input.Permanent).toBe('boolean');
  }
  if ('MessageAction' in input) expect(['RESEND', 'SUPPRESS']).toContain(input.MessageAction);
  for (const medium of (input.DesiredDeliveryMediums as string[] | undefined) ?? [])
    expect(['SMS', 'EMAIL']).toContain(medium);
  for (const attribute of (input.UserAttributes as { Name: string; Value: string }[] | undefined) ?? []) {
    expect(attribute.Name.length).toBeLessThanOrEqual(32);
    expect(attribute.Value.length).toBeLessThanOrEqual(2048);
  }
}

function fakeCognito(existing?: Record<string, string>) {
  const calls: [string, Record<string, unknown>][] = [];
  const record = (operation: string) => async (input: object) => {
    checkRequest(operation, input as Record<string, unknown>);
    calls.push([operation, input as Record<string, unknown>]);
  };
  const cognito: CognitoAdmin = {
    adminGetUser: async (input) => {
      await record('AdminGetUser')(input);
      return existing
        ? { UserAttributes: Object.entries(existing).map(([Name, Value]) => ({ Name, Value })) }
        : undefined;
    },
    adminCreateUser: record('AdminCreateUser'),
    adminAddUserToGroup: record('AdminAddUserToGroup'),
    adminSetUserPassword: record('AdminSetUserPassword'),
  };
  return { cognito, calls, operations: () => calls.map(([operation]) => operation) };
}

const POOL = 'ap-southeast-1_AbC123xyz';

describe('scripts/create-user', () => {
  it('creates a tenant user with its tenant, verified e-mail and group; Cognito mails the invitation', async () => {
    const fake = fakeCognito();
    const outcome = await createTenantUser(
      { userPoolId: POOL, email: 'Li.Wei@Example.com', role: 'tenant-admin', tenantId: 't_acme' },
      fake.cognito,
    );
    expect(outcome).toBe('created');
    expect(fake.operations()).toEqual(['AdminGetUser', 'AdminCreateUser', 'AdminAddUserToGroup']);
    expect(fake.calls[1]?.[1]).toEqual({
      UserPoolId: POOL,
      Username: 'li.wei@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'li.wei@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenant_id', Value: 't_acme' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(fake.calls[2]?.[1]).toMatchObject({ GroupName: 'tenant-admin' });
  });

  it('with a password: no invitation, and the password is set permanent', async () => {
    const fake = fakeCognito();
    await createTenantUser(
      { userPoolId: POOL, email: 'ops@example.com', role: 'operator', password: 'Correct-Horse-9' },
      fake.cognito,
    );
    expect(fake.operations()).toEqual([
      'AdminGetUser',
      'AdminCreateUser',
      'AdminAddUserToGroup',
      'AdminSetUserPassword',
    ]);
    expect(fake.calls[1]?.[1]).toMatchObject({ MessageAction: 'SUPPRESS' });
    expect(JSON.stringify(fake.calls[1]?.[1])).not.toContain('tenant_id');
    expect(fake.calls[3]?.[1]).toMatchObject({ Password: 'Correct-Horse-9', Permanent: true });
  });

  it('re-run for the same tenant completes the user; another tenant is refused (the attribute is immutable)', async () => {
    const same = fakeCognito({ 'custom:tenant_id': 't_acme' });
    const input = {
      userPoolId: POOL,
      email: 'a@example.com',
      role: 'tenant-viewer' as const,
      tenantId: 't_acme',
    };
    expect(await createTenantUser(input, same.cognito)).toBe('completed');
    expect(same.operations()).toEqual(['AdminGetUser', 'AdminAddUserToGroup']);
    const other = fakeCognito({ 'custom:tenant_id': 't_other' });
    await expect(createTenantUser(input, other.cognito)).rejects.toThrow(/exists with tenant t_other/);
    expect(other.operations()).toEqual(['AdminGetUser']);
  });

  it('validates its inputs before any call', async () => {
    const fake = fakeCognito();
    const base = { userPoolId: POOL, email: 'a@example.com', role: 'tenant-admin' as const, tenantId: 't1' };
    const bad = [
      [{ ...base, userPoolId: 'not-a-pool' }, /user pool id/],
      [{ ...base, email: 'nobody' }, /e-mail/],
      [{ ...base, role: 'admin' as never }, /must be one of/],
      [{ ...base, tenantId: undefined }, /--tenant is required/],
      [{ ...base, tenantId: 'acme corp' }, /1-64 letters/],
      [{ ...base, role: 'operator' as const }, /not for operators/],
      [{ ...base, password: 'short1A!' }, /12 to 256/],
      [{ ...base, password: 'nouppercase-123' }, /uppercase/],
      [{ ...base, password: 'NoSymbolsHere123' }, /symbol/],
    ] as const;
    for (const [input, message] of bad)
      await expect(createTenantUser(input, fake.cognito), JSON.stringify(input)).rejects.toThrow(message);
    expect(fake.calls).toEqual([]);
  });

  it('parses --flag value pairs and refuses unknown, repeated or missing ones', () => {
    expect(
      parseCreateUserArgs(['--user-pool-id', POOL, '--email', 'a@example.com', '--role', 'operator']),
    ).toEqual({
      userPoolId: POOL,
      email: 'a@example.com',
      role: 'operator',
      tenantId: undefined,
      password: undefined,
    });
    expect(() => parseCreateUserArgs(['--pool', POOL])).toThrow(/unknown argument/);
    expect(() => parseCreateUserArgs(['--email', 'a@b.c', '--email', 'd@e.f'])).toThrow(/twice/);
    expect(() => parseCreateUserArgs(['--email'])).toThrow(/needs a value/);
    expect(() => parseCreateUserArgs(['--email', 'a@b.c'])).toThrow(/--user-pool-id is required/);
  });
});
