/**
 * Notifications as templates: the templates themselves (parameters, Aliyun's variable rules), rendering per
 * language and channel, the SES v2 e-mail and Aliyun SMS adapters (every request checked against the provider's
 * model), the composite port (channels, refused phones, failures, default recipients), its configuration, and
 * the once-per-crossing promise at the adapter's edge.
 */
import * as dysms from '@alicloud/dysmsapi20170525';
import { SendSmsRequest, SendSmsResponse } from '@alicloud/dysmsapi20170525';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { AliyunSms, type AliyunSmsClient } from '../../shared/adapters/messaging/aliyun-sms.js';
import {
  aliyunClientClass,
  createNotificationsFromEnv,
  parseTemplateCodes,
} from '../../shared/adapters/messaging/from-env.js';
import {
  createMessagingNotifications,
  PublishFailedError,
} from '../../shared/adapters/messaging/notifications.js';
import { dedupeTag, SesEmail } from '../../shared/adapters/messaging/ses-email.js';
import { type Account, alertFor, applyMovements, newAccount } from '../../shared/domain/accounts/account.js';
import {
  renderSms,
  renderTemplate,
  SMS_PARAM_MAX_CHARS,
  smsParams,
  TEMPLATE_IDS,
  TEMPLATES,
} from '../../shared/domain/notifications/templates.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { providerRequestProblems, templateParamProblems } from '../support/provider-models.js';

const FROM = 'alerts@notify.hotline400.example.cn';
const SIGN = '四零零热线';
const CODES = { 'zh-CN': { low_balance: 'SMS_465000001', numbers_stopped: 'SMS_465000002' } };

const lowBalance: Notification = {
  tenantId: 'acme',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥42.00', threshold: '¥50.00' },
  dedupeKey: 'low_balance#acme#7',
  recipients: { emails: ['ops@acme.example.cn'], phones: ['+8613912345678'] },
};

const ses = mockClient(SESv2Client);
beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});
afterAll(() => ses.restore());

/** A stand-in for the Aliyun SDK client: keeps each SendSmsRequest and answers OK. */
function fakeAliyun(code = 'OK') {
  const requests: SendSmsRequest[] = [];
  const client: AliyunSmsClient = {
    async sendSms(request) {
      requests.push(request);
      return new SendSmsResponse({
        statusCode: 200,
        headers: {},
        body: {
          code,
          message: code === 'OK' ? 'OK' : 'limited',
          bizId: `biz-${requests.length}`,
          requestId: 'r',
        },
      });
    },
  };
  return { client, requests };
}

const aliyun = (client: AliyunSmsClient) =>
  new AliyunSms(client, { signName: SIGN, templateCodes: CODES }, (f) => new SendSmsRequest(f));

function smsProblems(requests: readonly SendSmsRequest[]): string[] {
  return requests.flatMap((r) => [
    ...providerRequestProblems('SendSms', { ...r }),
    ...templateParamProblems(r.templateParam ?? ''),
  ]);
}

describe('the templates', () => {
  it('name every placeholder they use, use every parameter in zh-CN, and fit Aliyun’s template rules', () => {
    for (const id of TEMPLATE_IDS) {
      const t = TEMPLATES[id];
      for (const language of ['zh-CN', 'en'] as const) {
        const used = [...`${t[language].subject}${t[language].body}`.matchAll(/\$\{(\w+)\}/g)].map(
          (m) => m[1],
        );
        for (const name of used) expect(t.params, `${id} ${language}`).toContain(name);
      }
      for (const name of t.params) {
        expect(t['zh-CN'].body, id).toContain(`\${${name}}`);
        expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,24}$/);
        expect(['email', 'mobile', 'id', 'nick', 'site']).not.toContain(name);
      }
      // A template's text is at most 500 characters; a notification variable appears once.
      expect([...t['zh-CN'].body].length, id).toBeLessThanOrEqual(500);
      for (const name of t.params) expect(t['zh-CN'].body.split(`\${${name}}`).length - 1, id).toBe(1);
    }
  });

  it('renders a template per language, zh-CN by default', () => {
    expect(renderTemplate('low_balance', lowBalance.params)).toEqual({
      subject: '余额不足提醒',
      body: '您的400热线余额为¥42.00，已低于提醒阈值¥50.00，请及时充值。',
    });
    expect(renderTemplate('low_balance', lowBalance.params, 'en')).toEqual({
      subject: 'Low balance',
      body: 'Your 400 hotline balance is ¥42.00, below your alert threshold of ¥50.00.',
    });
    expect(renderSms(SIGN, 'low_balance', lowBalance.params)).toBe(
      '【四零零热线】您的400热线余额为¥42.00，已低于提醒阈值¥50.00，请及时充值。',
    );
  });

  it('keeps SMS parameter values within 35 characters and drops unknown ones', () => {
    const numbers = Array.from({ length: 5 }, (_, i) => `400739052${i}`).join(', '); // 58 characters
    const params = smsParams('numbers_stopped', { numbers, since: '2026-11-01', days: '30', extra: 'x' });
    expect(SMS_PARAM_MAX_CHARS).toBe(35);
    expect(params).toEqual({
      numbers: '4007390520, 4007390521, 4007390522…',
      since: '2026-11-01',
      days: '30',
    });
    expect([...(params.numbers ?? '')].length).toBe(35);
  });

  it('tells a transfer recipient its qualification passed without an id the SMS would clip', () => {
    // Application ids are 40 characters (app_<uuid>), over the 35 an SMS variable takes: the notice names
    // only the number, and accepting needs no id.
    const applicationId = 'app_0f8e1c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
    const params = smsParams('transfer_qualification_approved', { number: '4007111111', applicationId });
    expect(params).toEqual({ number: '4007111111' });
    expect(Object.values(params).join('')).not.toContain('…');
    const sms = renderSms(SIGN, 'transfer_qualification_approved', { number: '4007111111', applicationId });
    expect(sms).toBe('【四零零热线】您转入400号码4007111111的资质已审核通过，现在可以接受转让。');
    const en = renderTemplate('transfer_qualification_approved', { number: '4007111111' }, 'en');
    expect(en.body).toBe('Your qualification for 4007111111 was approved; you can now accept the transfer.');
    for (const text of [sms, en.subject, en.body]) expect(text).not.toContain(applicationId);
  });
});

describe('the SES v2 e-mail adapter', () => {
  it('sends one model-valid UTF-8 message from the verified sender, tagged with template and dedupe hash', async () => {
    const email = new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM);
    await expect(email.send(['ops@acme.example.cn', 'cfo@acme.example.cn'], lowBalance)).resolves.toBe(
      'ses-1',
    );
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(providerRequestProblems('SendEmail', calls[0]?.args[0].input)).toEqual([]);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['ops@acme.example.cn', 'cfo@acme.example.cn'] },
      Content: {
        Simple: {
          Subject: { Data: '余额不足提醒', Charset: 'UTF-8' },
          Body: {
            Text: { Data: '您的400热线余额为¥42.00，已低于提醒阈值¥50.00，请及时充值。', Charset: 'UTF-8' },
          },
        },
      },
      EmailTags: [
        { Name: 'template', Value: 'low_balance' },
        { Name: 'dedupe', Value: dedupeTag('low_balance#acme#7') },
      ],
    });
    expect(dedupeTag('low_balance#acme#7')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes in English when the notification says so', async () => {
    await new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM).send(['a@b.cn'], {
      ...lowBalance,
      language: 'en',
    });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Content: { Simple: expect.objectContaining({ Subject: { Data: 'Low balance', Charset: 'UTF-8' } }) },
    });
  });
});

describe('the Aliyun SMS adapter', () => {
  it('sends SendSms with the national number, signature, template code, TemplateParam JSON and OutId', async () => {
    const { client, requests } = fakeAliyun();
    await expect(aliyun(client).send('+8613912345678', lowBalance)).resolves.toBe('biz-1');
    expect(smsProblems(requests)).toEqual([]);
    expect({ ...requests[0] }).toMatchObject({
      phoneNumbers: '13912345678',
      signName: SIGN,
      templateCode: 'SMS_465000001',
      templateParam: '{"balance":"¥42.00","threshold":"¥50.00"}',
      outId: 'low_balance#acme#7',
    });
  });

  it('sends English notifications with the zh-CN code when no English one is configured', async () => {
    const { client, requests } = fakeAliyun();
    await aliyun(client).send('+8613912345678', { ...lowBalance, language: 'en' });
    expect(requests[0]?.templateCode).toBe('SMS_465000001');
  });

  it('fails on a response code other than OK, on a template without a code, and on a foreign number', async () => {
    await expect(
      aliyun(fakeAliyun('isv.BUSINESS_LIMIT_CONTROL').client).send('+8613912345678', lowBalance),
    ).rejects.toThrow('Aliyun SendSms isv.BUSINESS_LIMIT_CONTROL: limited');
    const { client, requests } = fakeAliyun();
    await expect(
      aliyun(client).send('+8613912345678', {
        ...lowBalance,
        template: 'arrears',
        params: { owed: '¥1.00' },
      }),
    ).rejects.toThrow(/no SMS template code for arrears/);
    await expect(aliyun(client).send('+6591234567', lowBalance)).rejects.toThrow(/not a mainland mobile/);
    expect(requests).toHaveLength(0);
  });
});

describe('the notifications port in AWS', () => {
  it('e-mails the addresses once, texts each mainland mobile, and refuses other numbers', async () => {
    const { client, requests } = fakeAliyun();
    const port = createMessagingNotifications({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
      sms: aliyun(client),
      recipientsOf: async () => ({}),
    });
    const result = await port.publish({
      ...lowBalance,
      recipients: {
        emails: ['ops@acme.example.cn'],
        phones: ['+8613912345678', '+8615012345678', '+6591234567'],
      },
    });
    expect(result).toEqual({ messageId: 'ses-1', emails: 1, sms: 2, refused: ['+6591234567'] });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(requests.map((r) => r.phoneNumbers)).toEqual(['13912345678', '15012345678']);
    expect(smsProblems(requests)).toEqual([]);
  });

  it("sends to the tenant's alert contacts when the notification names no recipients", async () => {
    const { client, requests } = fakeAliyun();
    const recipientsOf = vi.fn(async () => ({
      emails: ['boss@acme.example.cn'],
      phones: ['+8613912345678'],
    }));
    const port = createMessagingNotifications({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
      sms: aliyun(client),
      recipientsOf,
    });
    const { recipients: _, ...notice } = lowBalance;
    await port.publish(notice);
    expect(recipientsOf).toHaveBeenCalledWith('acme');
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Destination: { ToAddresses: ['boss@acme.example.cn'] },
    });
    expect(requests).toHaveLength(1);
  });

  it('tries every recipient and then fails if any send failed, so the caller retries (at least once)', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
    const { client, requests } = fakeAliyun();
    const port = createMessagingNotifications({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
      sms: aliyun(client),
      recipientsOf: async () => ({}),
    });
    const error = await port.publish(lowBalance).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect(requests).toHaveLength(1);
  });

  it('publishes once per crossing: a run of charges below the threshold sends one e-mail and one SMS', async () => {
    const { client, requests } = fakeAliyun();
    const port = createMessagingNotifications({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
      sms: aliyun(client),
      recipientsOf: async () => ({}),
    });
    let account: Account = {
      ...newAccount('acme', '2026-11-24'),
      balance: 6_000,
      alertEmails: ['ops@acme.example.cn'],
      alertPhones: ['+8613912345678'],
    };
    for (let i = 0; i < 20; i++) {
      // The default tariff's dearest minute (32 fen) is the refusal point: the balance stays far above it.
      const step = applyMovements(account, [{ amount: -150, spend: { amount: 150, day: '2026-11-24' } }], 32);
      account = step.account;
      for (const c of step.crossings) await port.publish(alertFor(account, c));
    }
    // 6,000 − 20 × 150 = 3,000 fen; the threshold (5,000) was crossed once, at 4,950.
    expect(account.balance).toBe(3_000);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.templateParam).toBe('{"balance":"¥49.50","threshold":"¥50.00"}');
  });
});

describe('the local outbox', () => {
  it('shows the rendered text per channel with the template id and parameters', async () => {
    const outbox = createLocalNotifications({ now: () => new Date('2026-11-24T03:00:00Z') });
    await outbox.publish({
      ...lowBalance,
      recipients: { ...lowBalance.recipients, phones: ['+8613912345678', '+6591234567'] },
    });
    expect(outbox.messages[0]).toMatchObject({
      template: 'low_balance',
      params: { balance: '¥42.00', threshold: '¥50.00' },
      language: 'zh-CN',
      publishedAt: '2026-11-24T03:00:00.000Z',
      subject: '余额不足提醒',
      deliveries: [
        { channel: 'email', to: 'ops@acme.example.cn', subject: '余额不足提醒' },
        {
          channel: 'sms',
          to: '+8613912345678',
          text: '【四零零热线】您的400热线余额为¥42.00，已低于提醒阈值¥50.00，请及时充值。',
        },
      ],
      refused: ['+6591234567'],
    });
  });
});

describe('configuration', () => {
  const secrets = mockClient(SecretsManagerClient);
  const documents = mockClient(DynamoDBDocumentClient);
  const ENV = {
    NOTIFY_EMAIL_FROM: FROM,
    ALIYUN_SMS_SIGN_NAME: SIGN,
    ALIYUN_SMS_SECRET_ID: 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:aliyun-sms-AbCdEf',
    ALIYUN_SMS_TEMPLATE_CODES: JSON.stringify(CODES),
    TABLE_LEDGER: 'ledger',
  };
  beforeEach(() => {
    secrets.reset();
    documents.reset();
    Object.assign(process.env, ENV);
  });
  afterEach(() => {
    for (const name of Object.keys(ENV)) delete process.env[name];
    vi.restoreAllMocks();
  });
  afterAll(() => {
    secrets.restore();
    documents.restore();
  });

  it('refuses template codes that are not SMS_<digits>, unknown templates and unknown languages', () => {
    expect(parseTemplateCodes(JSON.stringify(CODES))).toEqual(CODES);
    expect(() => parseTemplateCodes('{"zh-CN":{"low_balance":"465000001"}}')).toThrow(/SMS_<digits>/);
    expect(() => parseTemplateCodes('{"zh-CN":{"nope":"SMS_1"}}')).toThrow(/unknown template "nope"/);
    expect(() => parseTemplateCodes('{"fr":{}}')).toThrow(/unknown language "fr"/);
    expect(() => parseTemplateCodes('nope')).toThrow(/not JSON/);
  });

  it("reads the AccessKey from Secrets Manager and texts through Aliyun's SDK client", async () => {
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ accessKeyId: 'LTAI5tExample', accessKeySecret: 'example-secret' }),
    });
    documents.on(GetCommand).resolves({ Item: { alertPhones: ['+8613912345678'] } });
    const sent: SendSmsRequest[] = [];
    vi.spyOn(aliyunClientClass(dysms).prototype as AliyunSmsClient, 'sendSms').mockImplementation(
      async (request) => {
        sent.push(request);
        return new SendSmsResponse({ statusCode: 200, headers: {}, body: { code: 'OK', bizId: 'biz-9' } });
      },
    );
    const port = await createNotificationsFromEnv();
    const { recipients: _, ...notice } = lowBalance;
    await expect(port.publish(notice)).resolves.toMatchObject({ sms: 1, emails: 0 });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ENV.ALIYUN_SMS_SECRET_ID });
    for (const call of secrets.commandCalls(GetSecretValueCommand))
      expect(providerRequestProblems('GetSecretValue', call.args[0].input)).toEqual([]);
    expect(documents).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'ledger',
      Key: { pk: 'ACCT#acme', sk: 'ACCOUNT' },
    });
    expect(smsProblems(sent)).toEqual([]);
  });
});
