/**
 * The Cognito user pool behind the API's JWT authorizer. Users are created by operators (no self
 * sign-up); the tenant is an immutable custom attribute (claim `custom:tenant_id`) and roles are groups
 * (claim `cognito:groups`), exactly the claims shared/http/api-handler.ts reads. Clients send the ID token:
 * Cognito puts custom attributes only there.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, TENANT_CLAIM } from '../../shared/http/roles.js';

/** `custom:tenant_id` → `tenant_id`. */
export const TENANT_ATTRIBUTE = TENANT_CLAIM.replace(/^custom:/, '');

const GROUP_DESCRIPTIONS: Record<(typeof ROLES)[number], string> = {
  'tenant-admin': 'Manages the tenant: numbers, routing, top-ups',
  'tenant-viewer': 'Reads the tenant: numbers, calls, statements',
  operator: 'Platform operator: reviews applications, runs the business',
};

export class UserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
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
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      // Users and their tenant bindings cannot be recreated from code.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by product decision (tenant staff on shared desk phones); TOTP is offered to every user and operators are expected to enrol',
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

    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // The tenant binding is set by operators with admin APIs, never by a user through the client.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
  }

  /** The issuer the API's JWT authorizer trusts. */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
