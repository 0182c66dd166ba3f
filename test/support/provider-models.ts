/**
 * The constraints other providers' API models put on the requests our adapters send (the Connect ones are in
 * ./connect-model.ts, whose checker this reuses), so a unit test fails on a request the provider would reject.
 *
 * Sources:
 * - S3 GetObject (presigned downloads): the installed @aws-sdk/client-s3 request type (Bucket and Key required,
 *   typed `string | undefined` without `?`); the model's ObjectKey has a minimum length of 1; bucket names
 *   follow S3's naming rules (3–63 lower-case letters, digits, dots and hyphens).
 */
import { type OperationRules, requestProblems } from './connect-model.js';

const S3_RULES: Readonly<Record<string, OperationRules>> = {
  GetObject: {
    Bucket: { required: true, pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/ },
    Key: { required: true, minLength: 1, maxLength: 1024 },
    ResponseContentDisposition: { maxLength: 1024 },
  },
};

export const PROVIDER_REQUEST_RULES: Readonly<Record<string, OperationRules>> = { ...S3_RULES };

/** Every violation of the provider model's constraints in one request (empty when it would be accepted). */
export function providerRequestProblems(operation: string, input: unknown): string[] {
  return requestProblems(PROVIDER_REQUEST_RULES, operation, input, 'test/support/provider-models.ts');
}
