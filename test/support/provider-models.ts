/**
 * The constraints other providers' API models put on the requests our adapters send (the Connect ones are in
 * ./connect-model.ts, whose checker this reuses), so a unit test fails on a request the provider would reject.
 *
 * Sources:
 * - S3 GetObject (presigned downloads): the installed @aws-sdk/client-s3 request type (Bucket and Key required,
 *   typed `string | undefined` without `?`); the model's ObjectKey has a minimum length of 1; bucket names
 *   follow S3's naming rules (3–63 lower-case letters, digits, dots and hyphens).
 * - SES v2 SendEmail: botocore's sesv2 model (SendEmailRequest: Content required; Message: Subject and Body
 *   required; Content: Data required), SES's documented limits (at most 50 recipients per message; message tag
 *   names and values: ASCII letters, digits, underscores and dashes, at most 256 characters), and the installed
 *   @aws-sdk/client-sesv2 request types.
 * - Aliyun SendSms (dysmsapi 2017-05-25, help.aliyun.com SendSms reference and the SDK's SendSmsRequest):
 *   PhoneNumbers, SignName and TemplateCode required; a mainland number with no prefix is 11 digits, up to
 *   1,000 comma-separated; OutId shorter than 256 characters; TemplateCode as the console issues it
 *   (SMS_<digits>); TemplateParam a JSON object of strings, each value of a notification template's variable at
 *   most 35 characters (Aliyun's template variable rules); signatures are 2–12 characters.
 * - Secrets Manager GetSecretValue: the model's SecretIdType (1–2048 characters), VersionId (32–64) and
 *   VersionStage (1–256).
 * - SQS SendMessage (the installed @aws-sdk/client-sqs model's documentation): QueueUrl and MessageBody
 *   required; a body of at least one character, only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
 *   #x10000–#x10FFFF (else InvalidMessageContents), at most 1 MiB in the model and at most 256 KiB as we hold
 *   it (MAX_MESSAGE_BYTES: any queue accepts that); DelaySeconds an integer 0–900; our queues are standard,
 *   so no MessageDeduplicationId (FIFO only) and no MessageGroupId.
 */
import { MAX_MESSAGE_BYTES } from '../../shared/ports/work-queue.js';
import { type OperationRules, requestProblems } from './connect-model.js';

const S3_RULES: Readonly<Record<string, OperationRules>> = {
  GetObject: {
    Bucket: { required: true, pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/ },
    Key: { required: true, minLength: 1, maxLength: 1024 },
    ResponseContentDisposition: { maxLength: 1024 },
  },
};

const TAG = /^[A-Za-z0-9_-]{1,256}$/;
const SES_RULES: Readonly<Record<string, OperationRules>> = {
  SendEmail: {
    FromEmailAddress: { required: true, pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/ },
    'Destination.ToAddresses': { required: true, minLength: 1, maxLength: 50 },
    'Destination.ToAddresses[]': { pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/ },
    Content: { required: true },
    'Content.Simple.Subject.Data': { required: true, minLength: 1 },
    'Content.Simple.Subject.Charset': { enum: ['UTF-8'] },
    'Content.Simple.Body.Text.Data': { required: true, minLength: 1 },
    'Content.Simple.Body.Text.Charset': { enum: ['UTF-8'] },
    'EmailTags[].Name': { required: true, pattern: TAG },
    'EmailTags[].Value': { required: true, pattern: TAG },
  },
};

const ALIYUN_RULES: Readonly<Record<string, OperationRules>> = {
  SendSms: {
    phoneNumbers: { required: true, pattern: /^1[3-9]\d{9}(,1[3-9]\d{9}){0,999}$/ },
    signName: { required: true, minLength: 2, maxLength: 12 },
    templateCode: { required: true, pattern: /^SMS_\d+$/ },
    templateParam: { required: true },
    outId: { maxLength: 255 },
  },
};

const SECRETS_RULES: Readonly<Record<string, OperationRules>> = {
  GetSecretValue: {
    SecretId: { required: true, minLength: 1, maxLength: 2048 },
    VersionId: { minLength: 32, maxLength: 64 },
    VersionStage: { minLength: 1, maxLength: 256 },
  },
};

const SQS_RULES: Readonly<Record<string, OperationRules>> = {
  SendMessage: {
    QueueUrl: {
      required: true,
      pattern: /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}$/,
    },
    MessageBody: {
      required: true,
      minLength: 1,
      pattern: /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u,
    },
    DelaySeconds: { min: 0, max: 900 },
  },
};

export const PROVIDER_REQUEST_RULES: Readonly<Record<string, OperationRules>> = {
  ...SQS_RULES,
  ...S3_RULES,
  ...SECRETS_RULES,
  ...SES_RULES,
  ...ALIYUN_RULES,
};

/** Aliyun's TemplateParam: a JSON object of string values of at most 35 characters each. */
export function templateParamProblems(json: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return ['TemplateParam is not JSON'];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['TemplateParam is not an object'];
  return Object.entries(value).flatMap(([name, v]) => [
    ...(/^[A-Za-z][A-Za-z0-9_]{0,24}$/.test(name)
      ? []
      : [`variable name ${name} is not 1-25 letters, digits, _`]),
    ...(typeof v === 'string' && [...v].length <= 35
      ? []
      : [`${name} is not a string of at most 35 characters`]),
  ]);
}

/** Every violation of the provider model's constraints in one request (empty when it would be accepted). */
export function providerRequestProblems(operation: string, input: unknown): string[] {
  return requestProblems(PROVIDER_REQUEST_RULES, operation, input, 'test/support/provider-models.ts');
}

/** SendMessage to one of our (standard) queues: the model's rules, plus what a rule table cannot say. */
export function sendMessageProblems(input: {
  readonly MessageBody?: string;
  readonly DelaySeconds?: number;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}): string[] {
  const problems = providerRequestProblems('SendMessage', input);
  const bytes = Buffer.byteLength(input.MessageBody ?? '', 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) problems.push(`SendMessage: MessageBody is ${bytes} bytes`);
  if (input.DelaySeconds !== undefined && !Number.isInteger(input.DelaySeconds))
    problems.push(`SendMessage: DelaySeconds ${input.DelaySeconds} is not an integer`);
  if (input.MessageGroupId !== undefined || input.MessageDeduplicationId !== undefined)
    problems.push('SendMessage: a standard queue takes no MessageGroupId or MessageDeduplicationId');
  return problems;
}
