/**
 * Notifications as templates: the templates themselves (parameters, Aliyun's variable rules), rendering per
 * language and channel, the SES v2 e-mail and Aliyun SMS adapters (every request checked against the provider's
 * model), the messaging port (one send per recipient, failures classified as for now or for good, channels),
 * its configuration, the local outbox, and the once-per-crossing promise at the adapter's edge.
 */
import * as dysms from '@alicloud/dysmsapi20170525';
import { SendSmsRequest, SendSmsResponse } from '@alicloud/dysmsapi20170525';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { AliyunSms, type AliyunSmsClient } from '../../shared/adapters/messaging/aliyun-sms.js';
import {
  aliyunClientClass,
  createMessagingFromEnv,
  parseTemplateCodes,
} from '../../shared/adapters/messaging/from-env.js';
import { createMessaging } from '../../shared/adapters/messaging/notifications.js';
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
import type { Delivery, Notification } from '../../shared/ports/notifications.js';
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

  it('tells a transfer recipient how to accept: a qualification first (a stated applicant type is not enough)', () => {
    const { body } = renderTemplate('transfer_offered', { number: '4007111111' }, 'en');
    expect(body).toBe(
      'The owner of 400 number 4007111111 offers to transfer it to you. To accept, apply for it (POST /v1/applications) and, once an operator approves your qualification, accept at POST /v1/numbers/4007111111/transfer/decision; or decline there.',
    );
  });

  it('tells a transfer recipient its qualification was withdrawn with its offer, naming the number only', () => {
    // Nothing of the owner: the recipient knew the number and the offer, not who made it.
    const params = smsParams('transfer_qualification_withdrawn', { number: '4007111111', owner: 'demo' });
    expect(params).toEqual({ number: '4007111111' });
    expect(renderSms(SIGN, 'transfer_qualification_withdrawn', { number: '4007111111' })).toBe(
      '【四零零热线】400号码4007111111的过户邀请已结束（已接受、拒绝或撤回），您为该邀请提交的一份转入资质申请已自动撤回，无需再处理。',
    );
    expect(renderTemplate('transfer_qualification_withdrawn', { number: '4007111111' }, 'en')).toEqual({
      subject: 'Qualification for 4007111111 withdrawn',
      body: 'The transfer offer of 4007111111 has ended (accepted, declined or withdrawn), so a qualification you filed for it was withdrawn; nothing more is needed from you.',
    });
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

describe('the messaging port in AWS', () => {
  const port = (client: AliyunSmsClient) =>
    createMessaging({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
      sms: aliyun(client),
    });
  /** Every address and phone of a notification, one delivery each. */
  const toAll = (n: Notification): Delivery[] => [
    ...(n.recipients?.emails ?? []).map((to) => ({ channel: 'email' as const, to })),
    ...(n.recipients?.phones ?? []).map((to) => ({ channel: 'sms' as const, to })),
  ];

  it('sends one e-mail per address and one SMS per mobile, each answered on its own', async () => {
    const { client, requests } = fakeAliyun();
    const messaging = port(client);
    expect(messaging.channels).toEqual({ email: true, sms: true });
    const results = await messaging.deliver(lowBalance, [
      { channel: 'email', to: 'ops@acme.example.cn' },
      { channel: 'email', to: 'cfo@acme.example.cn' },
      { channel: 'sms', to: '+8613912345678' },
      { channel: 'sms', to: '+8615012345678' },
    ]);
    expect(results.map((r) => [r.status, r.delivery.to, r.status === 'sent' ? r.messageId : r.code])).toEqual(
      [
        ['sent', 'ops@acme.example.cn', 'ses-1'],
        ['sent', 'cfo@acme.example.cn', 'ses-1'],
        ['sent', '+8613912345678', 'biz-1'],
        ['sent', '+8615012345678', 'biz-2'],
      ],
    );
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([
      ['ops@acme.example.cn'],
      ['cfo@acme.example.cn'],
    ]);
    for (const call of ses.commandCalls(SendEmailCommand))
      expect(providerRequestProblems('SendEmail', call.args[0].input)).toEqual([]);
    expect(requests.map((r) => r.phoneNumbers)).toEqual(['13912345678', '15012345678']);
    expect(smsProblems(requests)).toEqual([]);
  });

  it('answers a failed send as failed, permanent only when the provider refused the recipient for good', async () => {
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: ['busy@acme.example.cn'] } })
      .rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }))
      .on(SendEmailCommand, { Destination: { ToAddresses: ['nobody@acme.example.cn'] } })
      .rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const codes: Record<string, string> = {
      '13900000001': 'isv.MOBILE_NUMBER_ILLEGAL',
      '13900000002': 'isv.BUSINESS_LIMIT_CONTROL',
      '13900000003': 'isp.SYSTEM_ERROR',
    };
    const client: AliyunSmsClient = {
      async sendSms(request) {
        const code = codes[request.phoneNumbers ?? ''] ?? 'OK';
        return new SendSmsResponse({
          statusCode: 200,
          headers: {},
          body: { code, message: code, bizId: 'biz' },
        });
      },
    };
    const results = await port(client).deliver(lowBalance, [
      { channel: 'email', to: 'busy@acme.example.cn' },
      { channel: 'email', to: 'nobody@acme.example.cn' },
      { channel: 'email', to: 'ops@acme.example.cn' },
      { channel: 'sms', to: '+8613900000001' },
      { channel: 'sms', to: '+8613900000002' },
      { channel: 'sms', to: '+8613900000003' },
    ]);
    expect(results.map((r) => (r.status === 'sent' ? 'sent' : `${r.code} ${r.permanent}`))).toEqual([
      'TooManyRequestsException false',
      'MessageRejected true',
      'sent',
      'isv.MOBILE_NUMBER_ILLEGAL true',
      'isv.BUSINESS_LIMIT_CONTROL false',
      'isp.SYSTEM_ERROR false',
    ]);
  });

  it('says which channels it has: without SMS settings, phones get nothing', async () => {
    const messaging = createMessaging({
      email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), FROM),
    });
    expect(messaging.channels).toEqual({ email: true, sms: false });
    const [result] = await messaging.deliver(lowBalance, [{ channel: 'sms', to: '+8613912345678' }]);
    expect(result).toMatchObject({ status: 'failed', permanent: false });
  });

  it('publishes once per crossing: a run of charges below the threshold sends one e-mail and one SMS', async () => {
    const { client, requests } = fakeAliyun();
    const messaging = port(client);
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
      for (const c of step.crossings) {
        const alert = alertFor(account, c);
        await messaging.deliver(alert, toAll(alert));
      }
    }
    // 6,000 − 20 × 150 = 3,000 fen; the threshold (5,000) was crossed once, at 4,950.
    expect(account.balance).toBe(3_000);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.templateParam).toBe('{"balance":"¥49.50","threshold":"¥50.00"}');
  });
});

describe('the local outbox', () => {
  it('shows the rendered text per channel with the template id and parameters, to the deliveries it was given', async () => {
    const outbox = createLocalNotifications({ now: () => new Date('2026-11-24T03:00:00Z') });
    await outbox.deliver(lowBalance, [
      { channel: 'email', to: 'ops@acme.example.cn' },
      { channel: 'sms', to: '+8613912345678' },
    ]);
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
    });
  });

  it('sends to no one the notifier did not name: the recipients a notification carries are not its to resolve', async () => {
    const outbox = createLocalNotifications();
    const toOps = await outbox.deliver(lowBalance, [{ channel: 'email', to: 'ops@acme.example.cn' }]);
    expect(toOps).toMatchObject([
      { status: 'sent', delivery: { channel: 'email', to: 'ops@acme.example.cn' } },
    ]);
    // Nobody to reach: nothing is sent, and the outbox still shows what the tenant would have been told.
    expect(await outbox.deliver(lowBalance, [])).toEqual([]);
    expect(outbox.messages.map((m) => m.deliveries.map((d) => d.to))).toEqual([['ops@acme.example.cn'], []]);
    expect(outbox.sent('acme')).toHaveLength(2);
  });

  it('keeps one message per delivery with what was sent, and fails or refuses recipients on demand', async () => {
    const outbox = createLocalNotifications();
    const ops = { channel: 'email', to: 'ops@acme.example.cn' } as const;
    const mobile = { channel: 'sms', to: '+8613912345678' } as const;
    const invalid = { channel: 'sms', to: '+8613900000001' } as const;
    outbox.failNext(1, mobile.to);
    outbox.refuse(invalid.to);
    const first = await outbox.deliver(lowBalance, [ops, mobile, invalid]);
    expect(first.map((r) => (r.status === 'sent' ? r.status : `${r.code} ${r.permanent}`))).toEqual([
      'sent',
      'InternalErrorException false',
      'isv.MOBILE_NUMBER_ILLEGAL true',
    ]);
    expect(await outbox.deliver(lowBalance, [mobile])).toMatchObject([{ status: 'sent', delivery: mobile }]);
    expect(outbox.messages.map((m) => m.deliveries.map((d) => d.to))).toEqual([[ops.to], [mobile.to]]);
    expect(outbox.attempts).toBe(2);
  });
});

describe('configuration', () => {
  const secrets = mockClient(SecretsManagerClient);
  const ENV = {
    NOTIFY_EMAIL_FROM: FROM,
    ALIYUN_SMS_SIGN_NAME: SIGN,
    ALIYUN_SMS_SECRET_ID: 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:aliyun-sms-AbCdEf',
    ALIYUN_SMS_TEMPLATE_CODES: JSON.stringify(CODES),
  };
  beforeEach(() => {
    secrets.reset();
    Object.assign(process.env, ENV);
  });
  afterEach(() => {
    for (const name of Object.keys(ENV)) delete process.env[name];
    vi.restoreAllMocks();
  });
  afterAll(() => {
    secrets.restore();
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
    const sent: SendSmsRequest[] = [];
    vi.spyOn(aliyunClientClass(dysms).prototype as AliyunSmsClient, 'sendSms').mockImplementation(
      async (request) => {
        sent.push(request);
        return new SendSmsResponse({ statusCode: 200, headers: {}, body: { code: 'OK', bizId: 'biz-9' } });
      },
    );
    const port = await createMessagingFromEnv();
    await expect(port.deliver(lowBalance, [{ channel: 'sms', to: '+8613912345678' }])).resolves.toEqual([
      { status: 'sent', delivery: { channel: 'sms', to: '+8613912345678' }, messageId: 'biz-9' },
    ]);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ENV.ALIYUN_SMS_SECRET_ID });
    for (const call of secrets.commandCalls(GetSecretValueCommand))
      expect(providerRequestProblems('GetSecretValue', call.args[0].input)).toEqual([]);
    expect(smsProblems(sent)).toEqual([]);
  });
});
