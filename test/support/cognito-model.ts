/**
 * The constraints Amazon Cognito user pools' API model (cognito-idp 2016-04-18) puts on the requests the
 * members adapter (shared/adapters/cognito/cognito-directory.ts) sends, so a unit test fails on a request
 * Cognito would reject instead of a deployment. Checked with connect-model.ts's checker.
 *
 * Sources: the model's shapes as the AWS API reference and CloudFormation's resource schemas state them
 * (AWS::Cognito::UserPoolUserToGroupAttachment: UserPoolId 1-55 `[\w-]+_[0-9a-zA-Z]+`, Username and
 * GroupName 1-128 `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`), AttributeNameType 1-32 with the same pattern,
 * AttributeValueType at most 2048, QueryLimitType (ListUsers' Limit) 0-60, UserFilterType at most 256;
 * DeliveryMediumType from the installed @aws-sdk/client-cognito-identity-provider. Smithy patterns are not
 * anchored; they are anchored here, which is stricter, never looser.
 */
import { DeliveryMediumType } from '@aws-sdk/client-cognito-identity-provider';
import { type FieldRule, type OperationRules, requestProblems } from './connect-model.js';

const NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const pool: FieldRule = { required: true, minLength: 1, maxLength: 55, pattern: /^[\w-]+_[0-9a-zA-Z]+$/ };
const username: FieldRule = { required: true, minLength: 1, maxLength: 128, pattern: NAME };
const group: FieldRule = { required: true, minLength: 1, maxLength: 128, pattern: NAME };
const user: OperationRules = { UserPoolId: pool, Username: username };

export const COGNITO_REQUEST_RULES: Readonly<Record<string, OperationRules>> = {
  AdminCreateUser: {
    ...user,
    'UserAttributes[].Name': { required: true, minLength: 1, maxLength: 32, pattern: NAME },
    'UserAttributes[].Value': { maxLength: 2048 },
    'DesiredDeliveryMediums[]': { enum: Object.values(DeliveryMediumType) },
  },
  AdminAddUserToGroup: { ...user, GroupName: group },
  AdminRemoveUserFromGroup: { ...user, GroupName: group },
  AdminUserGlobalSignOut: user,
  AdminDisableUser: user,
  ListUsers: {
    UserPoolId: pool,
    Limit: { min: 0, max: 60 },
    Filter: { maxLength: 256 },
  },
};

export function cognitoRequestProblems(operation: string, input: unknown): string[] {
  return requestProblems(COGNITO_REQUEST_RULES, operation, input, 'test/support/cognito-model.ts');
}

/** Every request a mocked Cognito client received, checked: `[]` when all of them fit the model. */
export function receivedCognitoProblems(calls: readonly { args: readonly unknown[] }[]): string[] {
  return calls.flatMap((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return cognitoRequestProblems(command.constructor.name.replace(/Command$/, ''), command.input);
  });
}
