/**
 * Tenant notifications leave through SES v2 (e-mail, from a verified identity) and Aliyun SMS (mainland
 * mobiles, a registered signature and approved templates). Deployment context says who sends:
 *   -c notifyEmailFrom=alerts@notify.example.cn     the From address (its identity verified in SES)
 *   -c notifyEmailIdentity=notify.example.cn        the SES identity that address belongs to (default: its domain)
 *   -c aliyunSmsSignName=四零零热线                    the approved signature (2–12 characters)
 *   -c aliyunSmsTemplateCodes='{"zh-CN":{"low_balance":"SMS_…",…}}'  approved template codes
 * The Aliyun AccessKey lives in the secret this construct creates (operators put
 * {"accessKeyId","accessKeySecret"} in), never in context or the environment. Without the context a
 * channel is off: synth works offline, and a notification then reaches only the channels configured.
 */
import { Annotations, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { smsTemplateCodeProblems, TEMPLATE_IDS } from '../../shared/domain/notifications/templates.js';

export interface MessagingSettings {
  readonly emailFrom?: string;
  readonly emailIdentity?: string;
  readonly smsSignName?: string;
  /** JSON, as ALIYUN_SMS_TEMPLATE_CODES takes it. */
  readonly smsTemplateCodes?: string;
}

export class MessagingSettingsError extends Error {
  override readonly name = 'MessagingSettingsError';
}

const EMAIL = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/;

/** The settings from deployment context, checked; an error names the bad value. */
export function messagingFromContext(scope: Construct): MessagingSettings {
  const get = (name: string): string | undefined => {
    const value: unknown = scope.node.tryGetContext(name);
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new MessagingSettingsError(`context ${name} must be a string`);
    return value;
  };
  const emailFrom = get('notifyEmailFrom');
  const domain = emailFrom === undefined ? undefined : EMAIL.exec(emailFrom)?.[1];
  if (emailFrom !== undefined && !domain)
    throw new MessagingSettingsError(`context notifyEmailFrom must be an e-mail address, got "${emailFrom}"`);
  const smsSignName = get('aliyunSmsSignName');
  const smsTemplateCodes = get('aliyunSmsTemplateCodes');
  const signLength = smsSignName === undefined ? 0 : [...smsSignName].length;
  if (smsSignName !== undefined && (signLength < 2 || signLength > 12))
    throw new MessagingSettingsError(
      `context aliyunSmsSignName must be 2-12 characters, got "${smsSignName}"`,
    );
  if ((smsSignName === undefined) !== (smsTemplateCodes === undefined))
    throw new MessagingSettingsError('context aliyunSmsSignName and aliyunSmsTemplateCodes go together');
  if (smsTemplateCodes !== undefined) {
    let codes: unknown;
    try {
      codes = JSON.parse(smsTemplateCodes);
    } catch {
      throw new MessagingSettingsError('context aliyunSmsTemplateCodes is not JSON');
    }
    const problems = smsTemplateCodeProblems(codes);
    if (problems.length > 0)
      throw new MessagingSettingsError(`context aliyunSmsTemplateCodes: ${problems.join('; ')}`);
    // Not an error: a deployment may add a template's code later. Until it does, that template's texts are
    // retried and dead-lettered (NoTemplateCode refuses every phone alike), so the deployer is told now.
    const zhCodes = (codes as Record<string, Record<string, string> | undefined>)['zh-CN'] ?? {};
    const missing = TEMPLATE_IDS.filter((template) => !zhCodes[template]);
    if (missing.length > 0)
      Annotations.of(scope).addWarningV2(
        'hotline400:sms-template-codes-missing',
        `context aliyunSmsTemplateCodes has no zh-CN code for ${missing.join(', ')}: their SMS are retried and ` +
          'dead-lettered until the templates are registered with Aliyun and their codes added',
      );
  }
  return {
    ...(emailFrom ? { emailFrom, emailIdentity: get('notifyEmailIdentity') ?? domain } : {}),
    ...(smsSignName && smsTemplateCodes ? { smsSignName, smsTemplateCodes } : {}),
  };
}

export interface SmsSecretProps {
  readonly encryptionKey: kms.IKey;
}

/** The Aliyun SMS AccessKey, created empty; functions get its ARN only. */
export class SmsSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SmsSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'AliyunAccessKey', {
      description:
        'hotline400 Aliyun SMS: {"accessKeyId":"LTAI…","accessKeySecret":"…"} of a RAM user allowed dysms:SendSms only',
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'an Aliyun RAM AccessKey is issued and rotated in the Aliyun console; a Lambda cannot rotate it',
    });
  }
}
