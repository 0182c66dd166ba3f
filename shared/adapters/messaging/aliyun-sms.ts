/**
 * Mainland SMS through Aliyun SMS (dysmsapi 2017-05-25 SendSms, with Aliyun's own SDK): one request per
 * phone, the approved signature and the template code of the notification's template (configuration), the
 * parameters as TemplateParam JSON (each value at most 35 characters), the dedupe key as OutId (echoed in
 * delivery receipts; Aliyun does not deduplicate on it). A response code other than OK is an error; one
 * that refuses the phone itself (ALIYUN_REFUSED_PHONE_CODES) is permanent, any other is worth another try.
 */
import type { SendSmsRequest, SendSmsResponse } from '@alicloud/dysmsapi20170525';
import { nationalMobile } from '../../domain/notifications/channels.js';
import { type SmsTemplateCodes, smsParams } from '../../domain/notifications/templates.js';
import type { Notification } from '../../ports/notifications.js';

/** The SDK client's one method we use (the real client, or a fake in tests). */
export interface AliyunSmsClient {
  sendSms(request: SendSmsRequest): Promise<SendSmsResponse>;
}

export interface AliyunSmsConfig {
  /** The approved signature (签名), shown as 【signName】 before every message. */
  readonly signName: string;
  /** Approved template codes (SMS_…) per language and template; a language without one uses zh-CN's. */
  readonly templateCodes: SmsTemplateCodes;
}

/** OutId is a string of fewer than 256 characters. */
const OUT_ID_MAX = 255;

/**
 * Codes that refuse this phone for good (Aliyun's SendSms error codes): a malformed number, or a number the
 * domestic service does not text. Throttling (isv.BUSINESS_LIMIT_CONTROL and its minute, hour and day limits),
 * isp.* system errors, and configuration codes (signature, template, balance, permissions: they refuse every
 * phone alike until the operators fix them) are retried, and dead-lettered if they last.
 */
export const ALIYUN_REFUSED_PHONE_CODES: ReadonlySet<string> = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
]);

export class AliyunSmsError extends Error {
  override readonly name = 'AliyunSmsError';
  /** Aliyun refused this phone for good: sending again cannot help. */
  readonly permanent: boolean;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`Aliyun SendSms ${code}: ${message}`);
    this.permanent = ALIYUN_REFUSED_PHONE_CODES.has(code);
  }
}

export class AliyunSms {
  constructor(
    private readonly client: AliyunSmsClient,
    private readonly config: AliyunSmsConfig,
    private readonly newRequest: (fields: Record<string, string>) => SendSmsRequest,
  ) {}

  /** Texts one mainland mobile (E.164); the provider's BizId. */
  async send(phone: string, notification: Notification): Promise<string> {
    const language = notification.language ?? 'zh-CN';
    const templateCode =
      this.config.templateCodes[language]?.[notification.template] ??
      this.config.templateCodes['zh-CN']?.[notification.template];
    if (!templateCode)
      throw new AliyunSmsError('NoTemplateCode', `no SMS template code for ${notification.template}`);
    const response = await this.client.sendSms(
      this.newRequest({
        phoneNumbers: nationalMobile(phone),
        signName: this.config.signName,
        templateCode,
        templateParam: JSON.stringify(smsParams(notification.template, notification.params)),
        outId: notification.dedupeKey.slice(0, OUT_ID_MAX),
      }),
    );
    const body = response.body;
    if (body?.code !== 'OK')
      throw new AliyunSmsError(body?.code ?? 'NoBody', body?.message ?? 'no response body');
    return body.bizId ?? notification.dedupeKey;
  }
}
