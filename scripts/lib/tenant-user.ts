/**
 * Creates a sign-in for the API: a Cognito user (username = e-mail, the pool's sign-in alias) with its
 * role group and, for tenant roles, the immutable `custom:tenant_id` the API reads. Safe to re-run: an
 * existing user with the same tenant is completed (group, password), one with another tenant is refused.
 *
 * Cognito calls go through `CognitoAdmin`, whose requests mirror the SDK's AdminCreateUser,
 * AdminGetUser, AdminAddUserToGroup and AdminSetUserPassword inputs; `cognitoAdminFromSdk` binds it to
 * @aws-sdk/client-cognito-identity-provider, loaded when the script runs.
 */
import { ROLES, type Role, TENANT_CLAIM } from '../../shared/http/roles.js';

export interface CreateUserInput {
  readonly userPoolId: string;
  readonly email: string;
  readonly role: Role;
  /** Required for tenant roles, absent for operators (they act across tenants). */
  readonly tenantId?: string;
  /** A permanent password; without one Cognito e-mails a temporary password (valid 3 days). */
  readonly password?: string;
}

interface Attribute {
  readonly Name: string;
  readonly Value?: string;
}

export interface CognitoAdmin {
  adminGetUser(input: {
    UserPoolId: string;
    Username: string;
  }): Promise<{ UserAttributes?: readonly Attribute[] } | undefined>;
  adminCreateUser(input: {
    UserPoolId: string;
    Username: string;
    UserAttributes: Attribute[];
    DesiredDeliveryMediums?: ('EMAIL' | 'SMS')[];
    MessageAction?: 'RESEND' | 'SUPPRESS';
  }): Promise<void>;
  adminAddUserToGroup(input: { UserPoolId: string; Username: string; GroupName: string }): Promise<void>;
  adminSetUserPassword(input: {
    UserPoolId: string;
    Username: string;
    Password: string;
    Permanent: boolean;
  }): Promise<void>;
}

export class CreateUserError extends Error {
  override readonly name = 'CreateUserError';
}

/** UserPoolIdType in the Cognito API model: 1-55 characters, `[\w-]+_[0-9a-zA-Z]+`. */
const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Tenant ids as the API takes them elsewhere (transfers); the attribute allows 1-64 characters. */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The pool's password policy (infra/constructs/user-directory.ts): 12+ with all four classes. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12 || password.length > 256) return 'must be 12 to 256 characters';
  if (/\s/.test(password)) return 'must not contain whitespace';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password))
    return 'needs a lowercase letter, an uppercase letter and a digit';
  if (!/[^A-Za-z0-9]/.test(password)) return 'needs a symbol';
  return undefined;
}

export function checkCreateUserInput(input: CreateUserInput): CreateUserInput {
  const problems: string[] = [];
  if (input.userPoolId.length > 55 || !USER_POOL_ID.test(input.userPoolId))
    problems.push(`--user-pool-id "${input.userPoolId}" is not a user pool id such as ap-southeast-1_AbC123`);
  if (input.email.length > 128 || !EMAIL.test(input.email))
    problems.push(`--email "${input.email}" is not an e-mail address`);
  if (!(ROLES as readonly string[]).includes(input.role))
    problems.push(`--role "${input.role}" must be one of ${ROLES.join(', ')}`);
  if (input.role === 'operator') {
    if (input.tenantId !== undefined) problems.push('--tenant is not for operators: they act across tenants');
  } else if (input.tenantId === undefined) {
    problems.push(`--tenant is required for ${input.role}`);
  } else if (!TENANT_ID.test(input.tenantId)) {
    problems.push(`--tenant "${input.tenantId}" must be 1-64 letters, digits, _ or -`);
  }
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) problems.push(`--password ${problem}`);
  }
  if (problems.length > 0) throw new CreateUserError(problems.join('\n'));
  return input;
}

export type CreateUserOutcome = 'created' | 'completed';

/**
 * Primary course: create the user with its e-mail (verified: operators vouch for it) and tenant, add it to
 * the role's group, set the password if one was given. Variation: the user exists with the same tenant →
 * only the group and password steps run again.
 */
export async function createTenantUser(
  raw: CreateUserInput,
  cognito: CognitoAdmin,
): Promise<CreateUserOutcome> {
  const input = checkCreateUserInput(raw);
  const username = input.email.toLowerCase();
  const key = { UserPoolId: input.userPoolId, Username: username };
  const existing = await cognito.adminGetUser(key);
  let outcome: CreateUserOutcome = 'created';
  if (existing) {
    const tenant = existing.UserAttributes?.find((a) => a.Name === TENANT_CLAIM)?.Value;
    if (tenant !== input.tenantId) {
      throw new CreateUserError(
        `${username} exists with tenant ${tenant ?? '(none)'}; the tenant cannot change: use another e-mail`,
      );
    }
    outcome = 'completed';
  } else {
    await cognito.adminCreateUser({
      ...key,
      UserAttributes: [
        { Name: 'email', Value: username },
        { Name: 'email_verified', Value: 'true' },
        ...(input.tenantId !== undefined ? [{ Name: TENANT_CLAIM, Value: input.tenantId }] : []),
      ],
      DesiredDeliveryMediums: ['EMAIL'],
      // With a password given, the invitation (a temporary password) would only confuse.
      ...(input.password !== undefined ? { MessageAction: 'SUPPRESS' as const } : {}),
    });
  }
  await cognito.adminAddUserToGroup({ ...key, GroupName: input.role });
  if (input.password !== undefined)
    await cognito.adminSetUserPassword({ ...key, Password: input.password, Permanent: true });
  return outcome;
}

/** `--name value` pairs; unknown or repeated flags are refused. */
export function parseCreateUserArgs(argv: readonly string[]): CreateUserInput {
  const known = new Set(['--user-pool-id', '--email', '--role', '--tenant', '--password']);
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!known.has(flag)) throw new CreateUserError(`unknown argument "${flag}"`);
    if (value === undefined || value.startsWith('--')) throw new CreateUserError(`${flag} needs a value`);
    if (values.has(flag)) throw new CreateUserError(`${flag} given twice`);
    values.set(flag, value);
  }
  const required = (flag: string) => {
    const value = values.get(flag);
    if (value === undefined) throw new CreateUserError(`${flag} is required`);
    return value;
  };
  return {
    userPoolId: required('--user-pool-id'),
    email: required('--email'),
    role: required('--role') as Role,
    tenantId: values.get('--tenant'),
    password: values.get('--password'),
  };
}

/** The SDK's package; a variable, so this compiles (and tests run) where the package is not installed. */
const COGNITO_SDK: string = '@aws-sdk/client-cognito-identity-provider';

type Command = new (input: object) => object;
interface CognitoSdk {
  readonly CognitoIdentityProviderClient: new (config: object) => { send(command: object): Promise<unknown> };
  readonly AdminGetUserCommand: Command;
  readonly AdminCreateUserCommand: Command;
  readonly AdminAddUserToGroupCommand: Command;
  readonly AdminSetUserPasswordCommand: Command;
}

export async function cognitoAdminFromSdk(): Promise<CognitoAdmin> {
  let sdk: CognitoSdk;
  try {
    sdk = (await import(COGNITO_SDK)) as CognitoSdk;
  } catch {
    throw new CreateUserError(`${COGNITO_SDK} is not installed: npm install ${COGNITO_SDK}`);
  }
  const client = new sdk.CognitoIdentityProviderClient({});
  return {
    adminGetUser: async (input) => {
      try {
        return (await client.send(new sdk.AdminGetUserCommand(input))) as {
          UserAttributes?: readonly Attribute[];
        };
      } catch (error) {
        if ((error as Error).name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },
    adminCreateUser: async (input) => void (await client.send(new sdk.AdminCreateUserCommand(input))),
    adminAddUserToGroup: async (input) => void (await client.send(new sdk.AdminAddUserToGroupCommand(input))),
    adminSetUserPassword: async (input) =>
      void (await client.send(new sdk.AdminSetUserPasswordCommand(input))),
  };
}
