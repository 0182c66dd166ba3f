/**
 * The Cognito user pool behind the API's JWT authorizer. Users are created by operators (no self
 * sign-up; scripts/create-user.ts); the tenant is an immutable custom attribute (claim `custom:tenant_id`)
 * and roles are groups (claim `cognito:groups`), exactly the claims shared/http/api-handler.ts reads.
 * Clients send the ID token: Cognito puts custom attributes only there.
 *
 * MFA is required of every user (TOTP only: SMS to mainland numbers through Cognito is not deliverable
 * without a registered signature). Operators must have it, and Cognito sets MFA per pool, not per group.
 * A second, operator-only pool would need the API to trust two issuers, and an HTTP API JWT authorizer
 * trusts one: routes open to tenants and operators alike (the holiday calendars, the audit trail) would
 * then need a Lambda authorizer or a second API. Tenant admins move money and decide where calls ring,
 * so their accounts are worth a second factor too. Users without TOTP are asked to set it up at their
 * next sign-in (Cognito's MFA_SETUP challenge).
 *
 * Sign-in, per deployment context (`cdk deploy -c name=value`):
 *   authDomainPrefix   prefix of the Cognito domain https://<prefix>.auth.<region>.amazoncognito.com
 *                      (default `hotline400-<account id>`: prefixes are unique per region across accounts)
 *   authCallbackUrls   comma-separated redirect URLs of the portals (default http://localhost:3000/callback)
 *   authLogoutUrls     comma-separated sign-out URLs (default http://localhost:3000/)
 *   cliPasswordAuth    `true` also enables USER_PASSWORD_AUTH on the client, so a CLI can get tokens with
 *                      `aws cognito-idp initiate-auth` (default off: SRP and the hosted code + PKCE flow only)
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, TENANT_CLAIM } from '../../shared/http/roles.js';

/**
 * What functions with the `directory` capability (the member routes) may do on the pool: exactly the
 * commands shared/adapters/cognito/cognito-directory.ts sends (test/infra/members.test.ts compares both).
 */
export const DIRECTORY_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:ListUsers',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminDisableUser',
] as const;

/**
 * Lifetime of ID and access tokens. A removed member's refresh tokens stop at once (global sign-out) and it
 * cannot sign in again (disabled), but the API's JWT authorizer accepts a token it already holds until the
 * token expires: this is the longest a removed member (or a demoted admin's old role) can still act.
 */
export const TOKEN_LIFETIME = Duration.minutes(15);

/** `custom:tenant_id` → `tenant_id`. */
export const TENANT_ATTRIBUTE = TENANT_CLAIM.replace(/^custom:/, '');

const GROUP_DESCRIPTIONS: Record<(typeof ROLES)[number], string> = {
  'tenant-admin': 'Manages the tenant: numbers, routing, top-ups',
  'tenant-viewer': 'Reads the tenant: numbers, calls, statements',
  operator: 'Platform operator: reviews applications, runs the business',
};

export interface SignInSettings {
  /** Cognito domain prefix. @default `hotline400-<account id>` */
  readonly domainPrefix?: string;
  /** Where the hosted sign-in may redirect with an authorization code. @default DEFAULT_CALLBACK_URLS */
  readonly callbackUrls?: readonly string[];
  /** @default DEFAULT_LOGOUT_URLS */
  readonly logoutUrls?: readonly string[];
  /** Enable USER_PASSWORD_AUTH for command-line sign-in. @default false */
  readonly cliPasswordAuth?: boolean;
}

export const DEFAULT_CALLBACK_URLS = ['http://localhost:3000/callback'] as const;
export const DEFAULT_LOGOUT_URLS = ['http://localhost:3000/'] as const;

export class SignInSettingsError extends Error {
  override readonly name = 'SignInSettingsError';
}

/** Cognito's rule for a domain prefix, and the words it reserves. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/** https URLs, or http on localhost only (Cognito refuses plain http elsewhere); no fragments. */
function checkRedirectUrl(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SignInSettingsError(`${name}: "${url}" is not a URL`);
  }
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local))
    throw new SignInSettingsError(`${name}: "${url}" must be https (http only on localhost)`);
  if (parsed.hash) throw new SignInSettingsError(`${name}: "${url}" must not have a fragment`);
  return url;
}

function listContext(scope: Construct, name: string): string[] | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SignInSettingsError(`context ${name} must be a string`);
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new SignInSettingsError(`context ${name} is empty`);
  return items;
}

/** The sign-in settings from the deployment context (see the header); refused here if malformed. */
export function signInFromContext(scope: Construct): SignInSettings {
  const prefix: unknown = scope.node.tryGetContext('authDomainPrefix');
  if (prefix !== undefined && typeof prefix !== 'string')
    throw new SignInSettingsError('context authDomainPrefix must be a string');
  const flag: unknown = scope.node.tryGetContext('cliPasswordAuth');
  if (flag !== undefined && !['true', 'false', true, false].includes(flag as string | boolean))
    throw new SignInSettingsError('context cliPasswordAuth must be true or false');
  return {
    domainPrefix: prefix,
    callbackUrls: listContext(scope, 'authCallbackUrls'),
    logoutUrls: listContext(scope, 'authLogoutUrls'),
    cliPasswordAuth: flag === true || flag === 'true',
  };
}

export class UserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly callbackUrls: readonly string[];

  constructor(scope: Construct, id: string, settings: SignInSettings = {}) {
    super(scope, id);
    const prefix = settings.domainPrefix;
    if (prefix !== undefined && (!DOMAIN_PREFIX.test(prefix) || RESERVED_IN_PREFIX.test(prefix))) {
      throw new SignInSettingsError(
        `authDomainPrefix "${prefix}": lowercase letters, digits and inner hyphens, at most 63, without aws, amazon or cognito`,
      );
    }
    this.callbackUrls = (settings.callbackUrls ?? DEFAULT_CALLBACK_URLS).map((url) =>
      checkRedirectUrl('authCallbackUrls', url),
    );
    const logoutUrls = (settings.logoutUrls ?? DEFAULT_LOGOUT_URLS).map((url) =>
      checkRedirectUrl('authLogoutUrls', url),
    );
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      customAttributes: {
        [TENANT_ATTRIBUTE]: new cognito.StringAttribute({ mutable: false, minLen: 1, maxLen: 64 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      // Users and their tenant bindings cannot be recreated from code.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG3',
      reason:
        'Threat protection needs the Cognito Plus plan (per-MAU cost); self sign-up is off, passwords are strong and tokens short-lived. Revisit when tenants self-serve',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials plan on purpose: the Plus plan only adds threat protection (see COG3), at a per-MAU price',
    });

    for (const role of ROLES) {
      new cognito.UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
      });
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: prefix ?? `hotline400-${Aws.ACCOUNT_ID}` },
    });

    // One public client (no secret: browsers and CLIs cannot keep one) for portals and scripts alike, so
    // the JWT authorizer has one audience. Portals use the hosted sign-in with the authorization code
    // grant and PKCE (they send code_challenge; Cognito then demands the verifier at the token endpoint):
    // with no secret, PKCE is what binds the code to the portal. No implicit grant: no tokens in URLs.
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true, userPassword: settings.cliPasswordAuth === true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [...this.callbackUrls],
        logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: TOKEN_LIFETIME,
      accessTokenValidity: TOKEN_LIFETIME,
      refreshTokenValidity: Duration.days(30),
      // The tenant binding is set by operators with admin APIs, never by a user through the client.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
  }

  /** The hosted sign-in's base URL (authorize, token and logout endpoints live under it). */
  get signInUrl(): string {
    return this.domain.baseUrl();
  }

  /** The issuer the API's JWT authorizer trusts. */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
