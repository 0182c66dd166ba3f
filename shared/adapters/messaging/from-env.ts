/**
 * The messaging port in Lambda (the notifier alone), from configuration: e-mail from NOTIFY_EMAIL_FROM (a verified SES
 * identity) with NOTIFY_EMAIL_CONFIGURATION_SET if set; SMS when ALIYUN_SMS_SIGN_NAME is set, with the
 * template codes of ALIYUN_SMS_TEMPLATE_CODES (JSON: {"zh-CN":{"low_balance":"SMS_…",…},"en":{…}}) and the
 * AccessKey read from the Secrets Manager secret ALIYUN_SMS_SECRET_ID names ({"accessKeyId","accessKeySecret"};
 * never in the environment). Built by the composition root (shared/runtime/ports.ts) on first use.
 */
import type { $OpenApiUtil } from '@alicloud/openapi-core';
import { ConfigError, optionalEnv, requireEnv } from '../../config.js';
import { type SmsTemplateCodes, smsTemplateCodeProblems } from '../../domain/notifications/templates.js';
import type { MessagingPort } from '../../ports/notifications.js';
import { tracer } from '../../tracing.js';
import { AliyunSms, type AliyunSmsClient } from './aliyun-sms.js';
import { type Channels, createMessaging } from './notifications.js';
import { SesEmail } from './ses-email.js';

export const ALIYUN_SMS_ENDPOINT = 'dysmsapi.aliyuncs.com';

/** Parses and checks ALIYUN_SMS_TEMPLATE_CODES: known languages and templates, codes shaped SMS_<digits>. */
export function parseTemplateCodes(json: string): SmsTemplateCodes {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError('ALIYUN_SMS_TEMPLATE_CODES is not JSON');
  }
  const problems = smsTemplateCodeProblems(value);
  if (problems.length > 0) throw new ConfigError(`ALIYUN_SMS_TEMPLATE_CODES: ${problems.join('; ')}`);
  return value as SmsTemplateCodes;
}

type AliyunClientClass = new (config: InstanceType<typeof $OpenApiUtil.Config>) => AliyunSmsClient;

/**
 * The SDK's client class. It is a CommonJS module (`exports.default = Client`): Node's ESM loader (and the
 * bundle) hands over the whole module as the default export, whose `default` is the class; other loaders
 * (tsx, vitest) hand over the class itself.
 */
export function aliyunClientClass(module: unknown): AliyunClientClass {
  const exported = (module as { default?: unknown }).default;
  const candidate =
    typeof exported === 'function' ? exported : (exported as { default?: unknown } | undefined)?.default;
  if (typeof candidate !== 'function') throw new Error('@alicloud/dysmsapi20170525 exports no client class');
  return candidate as AliyunClientClass;
}

/** The SDK client, built with the AccessKey from Secrets Manager on the first SMS sent. */
function lazyAliyunClient(secretId: string): AliyunSmsClient {
  let client: Promise<AliyunSmsClient> | undefined;
  const build = async (): Promise<AliyunSmsClient> => {
    const [{ GetSecretValueCommand, SecretsManagerClient }, dysms, { $OpenApiUtil }] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('@alicloud/dysmsapi20170525'),
      import('@alicloud/openapi-core'),
    ]);
    const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({}));
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const key = JSON.parse(out.SecretString ?? '{}') as { accessKeyId?: string; accessKeySecret?: string };
    if (!key.accessKeyId || !key.accessKeySecret)
      throw new ConfigError(`secret ${secretId} lacks accessKeyId or accessKeySecret`);
    const Client = aliyunClientClass(dysms);
    return new Client(
      new $OpenApiUtil.Config({
        accessKeyId: key.accessKeyId,
        accessKeySecret: key.accessKeySecret,
        endpoint: ALIYUN_SMS_ENDPOINT,
        // Aliyun advises at least 1 s for mainland SMS; our caller retries, never the SDK (no idempotence).
        connectTimeout: 3000,
        readTimeout: 5000,
      }),
    );
  };
  return {
    async sendSms(request) {
      client ??= build();
      client.catch(() => {
        client = undefined;
      });
      return (await client).sendSms(request);
    },
  };
}

export async function createMessagingFromEnv(): Promise<MessagingPort> {
  const from = optionalEnv('NOTIFY_EMAIL_FROM', '');
  const signName = optionalEnv('ALIYUN_SMS_SIGN_NAME', '');
  let email: Channels['email'];
  if (from) {
    const { SESv2Client } = await import('@aws-sdk/client-sesv2');
    const configurationSet = optionalEnv('NOTIFY_EMAIL_CONFIGURATION_SET', '');
    email = new SesEmail(tracer.captureAWSv3Client(new SESv2Client({})), from, configurationSet || undefined);
  }
  let sms: Channels['sms'];
  if (signName) {
    const { SendSmsRequest } = await import('@alicloud/dysmsapi20170525');
    sms = new AliyunSms(
      lazyAliyunClient(requireEnv('ALIYUN_SMS_SECRET_ID')),
      { signName, templateCodes: parseTemplateCodes(requireEnv('ALIYUN_SMS_TEMPLATE_CODES')) },
      (fields) => new SendSmsRequest(fields),
    );
  }
  return createMessaging({ email, sms });
}
