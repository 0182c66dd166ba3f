/**
 * The constraints Amazon Connect's API model puts on the requests our Connect adapter sends, per operation,
 * so a unit test fails on a request Connect would reject (an invalid ClientToken, a name too long, a country
 * code that is not one) instead of a deployment.
 *
 * Sources (read 2026-12, not from memory):
 * - Patterns, lengths and ranges: botocore's copy of the Connect model, boto/botocore
 *   botocore/data/connect/2017-08-08/service-2.json (commit cd9207757d459bba9c524475b601e59f55760a3a), shapes
 *   ClientToken (max 500; ClaimPhoneNumberRequest documents the pattern
 *   ^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$), PhoneNumber (\\+[1-9]\\d{1,14}$),
 *   PhoneNumberDescription (0-500, ^[\W\S_]*), PhoneNumberPrefix (\\+?[0-9]{1,11}), CommonNameLength127 (1-127),
 *   HoursOfOperationDescription (1-250), HoursOfOperationConfigList (0-100), Hours24Format (0-23),
 *   QueueDescription (1-250), RoutingProfileName (1-127), RoutingProfileDescription (1-250),
 *   RoutingProfileQueueConfigList (1-10), Priority (1-99), Delay (0-9999), Concurrency (1-10), and the
 *   `required` lists of DescribePhoneNumberRequest, CreateHoursOfOperationRequest, HoursOfOperationConfig,
 *   RoutingProfileQueueConfig and RoutingProfileQueueReference.
 * - Enums (PhoneNumberCountryCode, PhoneNumberType, HoursOfOperationDays, Channel, OverrideType): the values the
 *   installed @aws-sdk/client-connect exports, generated from the same model.
 * - Prompts (CreatePrompt, UpdatePrompt, ListPrompts): the API reference (docs.aws.amazon.com/connect/latest/
 *   APIReference/API_CreatePrompt.html, read 2026-12): Name 1-127, Description 1-250, S3Uri 1-2000 matching
 *   `s3://\S+/.+|https://\S+\.s3\.\S+\.amazonaws\.com/\S+`; UpdatePrompt's PromptId 1-50 (PromptId shape); DeletePrompt's PromptId 1-256.
 * - Required members the botocore copy predates (the hours-of-operation override operations, 2025) come from
 *   the installed SDK's request types, where a required member is typed `T | undefined` without `?`.
 * Smithy patterns are not anchored; where the model's intent is the whole value (UUID, E.164) they are
 * anchored here, which is stricter, never looser.
 */
import {
  Channel,
  HoursOfOperationDays,
  OverrideType,
  PhoneNumberCountryCode,
  PhoneNumberType,
} from '@aws-sdk/client-connect';

export interface FieldRule {
  readonly required?: boolean;
  readonly pattern?: RegExp;
  /** String length, or list length for lists. */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
}

/** Member paths: `A.B` for nested members, `A[].B` for members of every list item. */
export type OperationRules = Readonly<Record<string, FieldRule>>;

const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const values = (e: Record<string, string>) => Object.values(e);

// InstanceId: 1-100 characters (API reference, e.g. UpdateContactFlowContent's URI parameters).
const instance: OperationRules = { InstanceId: { required: true, minLength: 1, maxLength: 100 } };
const name127: FieldRule = { required: true, minLength: 1, maxLength: 127 };
const description250: FieldRule = { minLength: 1, maxLength: 250 };
const promptDescription: FieldRule = { minLength: 1, maxLength: 250 };
const promptS3Uri: FieldRule = {
  minLength: 1,
  maxLength: 2000,
  pattern: /^(s3:\/\/\S+\/.+|https:\/\/\S+\.s3\.\S+\.amazonaws\.com\/\S+)$/,
};
const hoursConfig: OperationRules = {
  Config: { required: true, minLength: 0, maxLength: 100 },
  'Config[].Day': { required: true, enum: values(HoursOfOperationDays) },
  'Config[].StartTime.Hours': { required: true, min: 0, max: 23 },
  'Config[].EndTime.Hours': { required: true, min: 0, max: 23 },
};
const queueConfigs: OperationRules = {
  QueueConfigs: { required: true, minLength: 1, maxLength: 10 },
  'QueueConfigs[].QueueReference.QueueId': { required: true, minLength: 1 },
  'QueueConfigs[].QueueReference.Channel': { required: true, enum: values(Channel) },
  'QueueConfigs[].Priority': { required: true, min: 1, max: 99 },
  'QueueConfigs[].Delay': { required: true, min: 0, max: 9999 },
};

/** Every operation the adapter sends, by command name (without "Command"). */
export const CONNECT_REQUEST_RULES: Readonly<Record<string, OperationRules>> = {
  SearchAvailablePhoneNumbers: {
    ...instance,
    PhoneNumberCountryCode: { required: true, enum: values(PhoneNumberCountryCode) },
    PhoneNumberType: { required: true, enum: values(PhoneNumberType) },
    PhoneNumberPrefix: { pattern: /^\+?[0-9]{1,11}$/ },
    MaxResults: { min: 1, max: 10 },
  },
  ClaimPhoneNumber: {
    ...instance,
    PhoneNumber: { required: true, pattern: E164 },
    PhoneNumberDescription: { minLength: 0, maxLength: 500, pattern: /^[\W\S_]*$/ },
    // Optional in the model (the SDK fills a random one), but ours must be present: it makes retries safe.
    ClientToken: { required: true, maxLength: 500, pattern: UUID },
  },
  DescribePhoneNumber: { PhoneNumberId: { required: true, minLength: 1 } },
  ReleasePhoneNumber: {
    PhoneNumberId: { required: true, minLength: 1 },
    ClientToken: { required: true, maxLength: 500, pattern: UUID },
  },
  ListPhoneNumbersV2: { ...instance },
  AssociatePhoneNumberContactFlow: {
    ...instance,
    PhoneNumberId: { required: true, minLength: 1 },
    ContactFlowId: { required: true, minLength: 1, maxLength: 500 },
  },
  CreateHoursOfOperation: {
    ...instance,
    Name: name127,
    Description: description250,
    TimeZone: { required: true, minLength: 1 },
    ...hoursConfig,
  },
  UpdateHoursOfOperation: {
    ...instance,
    HoursOfOperationId: { required: true, minLength: 1 },
    Name: { ...name127, required: false },
    Description: description250,
    ...hoursConfig,
    Config: { minLength: 0, maxLength: 100 },
  },
  ListHoursOfOperations: { ...instance },
  ListHoursOfOperationOverrides: { ...instance, HoursOfOperationId: { required: true, minLength: 1 } },
  CreateHoursOfOperationOverride: {
    ...instance,
    HoursOfOperationId: { required: true, minLength: 1 },
    Name: name127,
    Description: description250,
    Config: { required: true },
    EffectiveFrom: { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ },
    EffectiveTill: { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ },
    OverrideType: { enum: values(OverrideType) },
  },
  DeleteHoursOfOperationOverride: {
    ...instance,
    HoursOfOperationId: { required: true, minLength: 1 },
    HoursOfOperationOverrideId: { required: true, minLength: 1 },
  },
  CreateQueue: {
    ...instance,
    Name: name127,
    Description: description250,
    HoursOfOperationId: { required: true, minLength: 1 },
  },
  UpdateQueueName: {
    ...instance,
    QueueId: { required: true, minLength: 1 },
    Name: { ...name127, required: false },
    Description: description250,
  },
  UpdateQueueHoursOfOperation: {
    ...instance,
    QueueId: { required: true, minLength: 1 },
    HoursOfOperationId: { required: true, minLength: 1 },
  },
  ListQueues: { ...instance },
  CreateRoutingProfile: {
    ...instance,
    Name: name127,
    Description: { ...description250, required: true },
    DefaultOutboundQueueId: { required: true, minLength: 1 },
    MediaConcurrencies: { required: true, minLength: 1 },
    'MediaConcurrencies[].Channel': { required: true, enum: values(Channel) },
    'MediaConcurrencies[].Concurrency': { required: true, min: 1, max: 10 },
    ...queueConfigs,
    QueueConfigs: { minLength: 1, maxLength: 10 },
  },
  ListRoutingProfiles: { ...instance },
  CreatePrompt: {
    ...instance,
    Name: name127,
    Description: promptDescription,
    S3Uri: { ...promptS3Uri, required: true },
  },
  UpdatePrompt: {
    ...instance,
    PromptId: { required: true, minLength: 1, maxLength: 50 },
    Name: { ...name127, required: false },
    Description: promptDescription,
    S3Uri: promptS3Uri,
  },
  ListPrompts: { ...instance },
  // DeletePrompt's PromptId: 1-256 (API reference, API_DeletePrompt.html, URI parameters, read 2026-12).
  DeletePrompt: { ...instance, PromptId: { required: true, minLength: 1, maxLength: 256 } },
  ListRoutingProfileQueues: { ...instance, RoutingProfileId: { required: true, minLength: 1 } },
  AssociateRoutingProfileQueues: {
    ...instance,
    RoutingProfileId: { required: true, minLength: 1 },
    ...queueConfigs,
  },
  UpdateRoutingProfileQueues: {
    ...instance,
    RoutingProfileId: { required: true, minLength: 1 },
    ...queueConfigs,
  },
  DisassociateRoutingProfileQueues: {
    ...instance,
    RoutingProfileId: { required: true, minLength: 1 },
    'QueueReferences[].QueueId': { required: true, minLength: 1 },
    'QueueReferences[].Channel': { required: true, enum: values(Channel) },
  },
};

/** The values at a member path (several under `[]`), with the path of each. */
function valuesAt(input: unknown, path: string): { at: string; value: unknown; present: boolean }[] {
  let current: { at: string; value: unknown; present: boolean }[] = [{ at: '', value: input, present: true }];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const next: typeof current = [];
    for (const c of current) {
      if (!c.present || c.value === null || typeof c.value !== 'object') continue;
      const value = (c.value as Record<string, unknown>)[key];
      const at = c.at ? `${c.at}.${key}` : key;
      if (!list) next.push({ at, value, present: value !== undefined });
      else if (Array.isArray(value))
        for (const [i, v] of value.entries()) next.push({ at: `${at}[${i}]`, value: v, present: true });
    }
    current = next;
  }
  return current;
}

/** Every violation of the model's constraints in one request (empty when Connect would accept its shape). */
export function connectRequestProblems(operation: string, input: unknown): string[] {
  return requestProblems(CONNECT_REQUEST_RULES, operation, input, 'test/support/connect-model.ts');
}

/** The same check against another service's table of rules (test/support/provider-models.ts). */
export function requestProblems(
  table: Readonly<Record<string, OperationRules>>,
  operation: string,
  input: unknown,
  tableFile: string,
): string[] {
  const rules = table[operation];
  if (!rules) return [`${operation}: no constraint table (add the operation to ${tableFile})`];
  const problems: string[] = [];
  for (const [path, rule] of Object.entries(rules)) {
    const found = valuesAt(input, path);
    // A member of list items is checked only where the list exists; a top-level member always is.
    if (found.length === 0 && !path.includes('[]') && rule.required) problems.push(`${path} is required`);
    for (const { at, value, present } of found) {
      if (!present) {
        if (rule.required) problems.push(`${at} is required`);
        continue;
      }
      const size = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
      if (rule.minLength !== undefined && size !== undefined && size < rule.minLength)
        problems.push(`${at} is shorter than ${rule.minLength}`);
      if (rule.maxLength !== undefined && size !== undefined && size > rule.maxLength)
        problems.push(`${at} is longer than ${rule.maxLength}`);
      if (rule.pattern && (typeof value !== 'string' || !rule.pattern.test(value)))
        problems.push(`${at} ${JSON.stringify(value)} does not match ${rule.pattern}`);
      if (rule.enum && !rule.enum.includes(value as string))
        problems.push(`${at} ${JSON.stringify(value)} is not one of the model's values`);
      if (rule.min !== undefined && (typeof value !== 'number' || value < rule.min))
        problems.push(`${at} ${JSON.stringify(value)} is below ${rule.min}`);
      if (rule.max !== undefined && (typeof value !== 'number' || value > rule.max))
        problems.push(`${at} ${JSON.stringify(value)} is above ${rule.max}`);
    }
  }
  return problems.map((p) => `${operation}: ${p}`);
}

/** Every request a mocked client received, checked: `[]` when all of them fit the model. */
export function receivedRequestProblems(calls: readonly { args: readonly unknown[] }[]): string[] {
  return calls.flatMap((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return connectRequestProblems(command.constructor.name.replace(/Command$/, ''), command.input);
  });
}
