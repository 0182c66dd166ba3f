/**
 * Notifications off the request path: the queued notifications adapter hands each notification to the
 * notifications queue as one SendMessage within SQS's model (test/support/provider-models.ts), the message
 * parses back to exactly the notification, and the notifier's handler delivers it through SES and Aliyun
 * (dedupe key as e-mail tag and SMS OutId, non-mainland phones refused), records each recipient reached on the
 * ops table, and reports a failed delivery so SQS redelivers it, to the recipients still waiting only.
 */
import { SendSmsRequest, SendSmsResponse } from '@alicloud/dysmsapi20170525';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/jobs/notifier.js';
import { AliyunSms } from '../../shared/adapters/messaging/aliyun-sms.js';
import { createMessaging } from '../../shared/adapters/messaging/notifications.js';
import { queuedNotifications } from '../../shared/adapters/messaging/queued-notifications.js';
import { SesEmail } from '../../shared/adapters/messaging/ses-email.js';
import { sqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { logger, metrics } from '../../shared/observability.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { Notification, NotificationMessage } from '../../shared/ports/notifications.js';
import { parseNotificationMessage } from '../../shared/ports/queue-messages.js';
import { MAX_MESSAGE_BYTES } from '../../shared/ports/work-queue.js';
import { resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { providerRequestProblems, sendMessageProblems } from '../support/provider-models.js';

const QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/111122223333/hotline-Notifications';
const sqs = mockClient(SQSClient);
const ses = mockClient(SESv2Client);
const documents = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  process.env.TABLE_OPS = 'ops';
  process.env.TABLE_LEDGER = 'ledger';
});
afterEach(() => {
  sqs.reset();
  ses.reset();
  documents.reset();
  resetPorts();
  delete process.env.TABLE_OPS;
  delete process.env.TABLE_LEDGER;
});
afterAll(() => {
  sqs.restore();
  ses.restore();
  documents.restore();
});

const capReached: Notification = {
  tenantId: 'acme',
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  // U+FFFF is outside SQS's characters; 😀 is a surrogate pair (allowed); Chinese is plain UTF-8.
  params: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32\uFFFF😀上限' },
  language: 'zh-CN',
  dedupeKey: 'spend_cap#acme#2026-11-26',
  recipients: { emails: ['ops@acme.example.cn'], phones: ['+8613912345678', '+14155550100'] },
  attributes: { day: '2026-11-26' },
};

const queued = () =>
  queuedNotifications(async () =>
    sqsWorkQueue<NotificationMessage>(new SQSClient({ region: 'ap-southeast-1' }), QUEUE_URL),
  );

describe('handing a notification to the notifications queue', () => {
  it('sends one SendMessage within the model, whose body parses back to exactly the notification', async () => {
    const result = await queued().publish(capReached);
    expect(result).toEqual({ messageId: 'queued:spend_cap#acme#2026-11-26' });
    const inputs = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(1);
    const input = inputs[0];
    if (!input) throw new Error('no SendMessage');
    expect(sendMessageProblems(input)).toEqual([]);
    expect(input).toMatchObject({ QueueUrl: QUEUE_URL });
    expect(input).not.toHaveProperty('DelaySeconds');
    expect(input.MessageBody).not.toContain('\uFFFF');
    expect(parseNotificationMessage(input.MessageBody ?? '')).toEqual({
      type: 'notification.deliver',
      notification: capReached,
    });
  });

  it('refuses a message past 256 KiB before sending anything, and a failed send throws to the caller', async () => {
    // 131,072 three-byte characters: 393,216 bytes of UTF-8 (JSON leaves them as they are).
    const huge = { ...capReached, params: { ...capReached.params, spend: '上'.repeat(131_072) } };
    const refused = queued().publish(huge);
    // Refused for good (no retry makes it fit): an invalid_message, which the alert outbox parks.
    await expect(refused).rejects.toMatchObject({ kind: 'validation', code: 'invalid_message' });
    await expect(refused).rejects.toThrow(`exceeds ${MAX_MESSAGE_BYTES}`);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);

    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('down'), { name: 'InternalError' }));
    await expect(queued().publish(capReached)).rejects.toThrow('down');
  });

  it('the checker fails on what SQS would refuse', () => {
    expect(sendMessageProblems({ MessageBody: '' })).toEqual([
      'SendMessage: QueueUrl is required',
      'SendMessage: MessageBody is shorter than 1',
      'SendMessage: MessageBody "" does not match /^[\\t\\n\\r\\u0020-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]+$/u',
    ]);
    const raw = {
      QueueUrl: QUEUE_URL,
      MessageBody: '{"a":"\uFFFF"}',
      DelaySeconds: 1.5,
      MessageGroupId: 'g',
    };
    expect(sendMessageProblems(raw)).toHaveLength(3);
  });
});

describe('parseNotificationMessage', () => {
  const body = (change: Record<string, unknown>, type = 'notification.deliver') =>
    JSON.stringify({ type, notification: { ...capReached, ...change } });

  it.each([
    ['another message type', body({}, 'number.activate')],
    ['an unknown template', body({ template: 'free_text' })],
    ['a parameter that is not a string', body({ params: { spend: 36 } })],
    ['an unknown language', body({ language: 'fr' })],
    ['an empty dedupe key', body({ dedupeKey: '' })],
    ['phones that are not strings', body({ recipients: { phones: [8613912345678] } })],
    ['no tenant', body({ tenantId: undefined })],
    ['a body that is not JSON', '{"type":'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseNotificationMessage(text)).toThrow('not a notification message');
  });
});

describe('the notifier', () => {
  const record = (id: string, notification: Notification) => ({
    messageId: id,
    body: JSON.stringify({ type: 'notification.deliver', notification }),
  });

  /** Aliyun's SDK client answering OK, but `failure` for the OutIds in `limited`. */
  function aliyunLimiting(limited: Set<string>, failure = 'isv.BUSINESS_LIMIT_CONTROL') {
    const sms: SendSmsRequest[] = [];
    const aliyun = new AliyunSms(
      {
        async sendSms(request) {
          sms.push(request);
          const code = limited.has(request.outId ?? '') ? failure : 'OK';
          return new SendSmsResponse({
            statusCode: 200,
            headers: {},
            body: { code, message: code, bizId: `biz-${sms.length}`, requestId: 'r' },
          });
        },
      },
      { signName: '四零零热线', templateCodes: { 'zh-CN': { spend_cap_reached: 'SMS_465000003' } } },
      (fields) => new SendSmsRequest(fields),
    );
    return { aliyun, sms };
  }

  it('delivers by SES and Aliyun with the dedupe key, refuses the non-mainland phone, records each recipient, and reports only the failed record', async () => {
    const { aliyun, sms } = aliyunLimiting(new Set(['fails']));
    usePorts({
      messaging: createMessaging({
        email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), 'alerts@notify.example.cn'),
        sms: aliyun,
      }),
    });
    useClock(new TestClock('2026-11-26T04:00:00.000Z'));
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(PutCommand).resolves({});
    const event = {
      Records: [record('m1', capReached), record('m2', { ...capReached, dedupeKey: 'fails' })],
    } as unknown as SQSEvent;
    const result = await handler(event, {} as Context);
    // The second record's SMS failed: SQS redelivers it (its e-mail is recorded and is not sent again).
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    // One SMS per record, to the mainland mobile only (+1 415… is refused), the dedupe key as OutId.
    expect(sms.map((r) => [r.phoneNumbers, r.outId])).toEqual([
      ['13912345678', 'spend_cap#acme#2026-11-26'],
      ['13912345678', 'fails'],
    ]);
    for (const request of sms) expect(providerRequestProblems('SendSms', request)).toEqual([]);
    const emails = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(emails).toHaveLength(2);
    for (const email of emails) expect(providerRequestProblems('SendEmail', email)).toEqual([]);
    expect(emails[0]?.Destination?.ToAddresses).toEqual(['ops@acme.example.cn']);
    expect(JSON.stringify(emails[0]?.EmailTags)).toContain('spend_cap');
    // Each notification's records read in one consistent Query; one conditional Put per recipient reached.
    expect(documents.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'ops',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DELIVERY#acme#spend_cap_reached#spend_cap#acme#2026-11-26' },
        ConsistentRead: true,
      },
      {
        TableName: 'ops',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DELIVERY#acme#spend_cap_reached#fails' },
        ConsistentRead: true,
      },
    ]);
    const puts = documents.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Item?.pk, p.Item?.sk, p.ConditionExpression])).toEqual([
      [
        'DELIVERY#acme#spend_cap_reached#spend_cap#acme#2026-11-26',
        'email#ops@acme.example.cn',
        'attribute_not_exists(pk)',
      ],
      [
        'DELIVERY#acme#spend_cap_reached#spend_cap#acme#2026-11-26',
        'sms#+8613912345678',
        'attribute_not_exists(pk)',
      ],
      ['DELIVERY#acme#spend_cap_reached#fails', 'email#ops@acme.example.cn', 'attribute_not_exists(pk)'],
    ]);
    // 2026-11-26T04:00:00Z is 1,795,665,600 s after the epoch (20,783 days × 86,400 + 4 h); kept 30 days: + 2,592,000 s.
    expect(puts[0]?.Item?.expiresAt).toBe(1_798_257_600);
  });

  it('sends a redelivered message only to the recipients its records do not show, and defaults to the alert contacts', async () => {
    const { aliyun, sms } = aliyunLimiting(new Set());
    usePorts({
      messaging: createMessaging({
        email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), 'alerts@notify.example.cn'),
        sms: aliyun,
      }),
    });
    useClock(new TestClock('2026-11-26T04:12:00.000Z'));
    documents.on(GetCommand).resolves({
      Item: { alertEmails: ['ops@acme.example.cn'], alertPhones: ['+8613912345678'] },
    });
    // The first delivery reached the e-mail address; the SMS failed for now.
    documents.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'DELIVERY#acme#spend_cap_reached#spend_cap#acme#2026-11-26',
          sk: 'email#ops@acme.example.cn',
          channel: 'email',
          to: 'ops@acme.example.cn',
          state: 'delivered',
          at: '2026-11-26T04:00:00.000Z',
          detail: 'ses-1',
          expiresAt: 1_798_257_600,
        },
      ],
    });
    documents.on(PutCommand).resolves({});
    const { recipients: _, ...toContacts } = capReached;
    const result = await handler(
      { Records: [record('m1', toContacts)] } as unknown as SQSEvent,
      {} as Context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'ledger',
      Key: { pk: 'ACCT#acme', sk: 'ACCOUNT' },
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(sms.map((r) => r.phoneNumbers)).toEqual(['13912345678']);
    expect(documents.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.sk)).toEqual([
      'sms#+8613912345678',
    ]);
  });

  it('records a phone Aliyun refuses for good, warns with the code (not the phone), counts it, and does not fail the message', async () => {
    const { aliyun, sms } = aliyunLimiting(new Set([capReached.dedupeKey]), 'isv.MOBILE_NUMBER_ILLEGAL');
    usePorts({
      messaging: createMessaging({
        email: new SesEmail(new SESv2Client({ region: 'ap-southeast-1' }), 'alerts@notify.example.cn'),
        sms: aliyun,
      }),
    });
    useClock(new TestClock('2026-11-26T04:00:00.000Z'));
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(PutCommand).resolves({});
    const warn = vi.spyOn(logger, 'warn');
    const single = { addDimension: vi.fn(), addMetric: vi.fn() };
    const singleMetric = vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as never);
    try {
      const result = await handler(
        { Records: [record('m1', capReached)] } as unknown as SQSEvent,
        {} as Context,
      );
      expect(result).toEqual({ batchItemFailures: [] });
      expect(sms).toHaveLength(1);
      expect(
        documents
          .commandCalls(PutCommand)
          .map((c) => [c.args[0].input.Item?.sk, c.args[0].input.Item?.state, c.args[0].input.Item?.detail]),
      ).toEqual([
        ['email#ops@acme.example.cn', 'delivered', 'ses-1'],
        ['sms#+8613912345678', 'refused', 'isv.MOBILE_NUMBER_ILLEGAL'],
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[1]).toEqual({
        tenantId: 'acme',
        template: 'spend_cap_reached',
        dedupeKey: 'spend_cap#acme#2026-11-26',
        channel: 'sms',
        code: 'isv.MOBILE_NUMBER_ILLEGAL',
      });
      expect(JSON.stringify(warn.mock.calls)).not.toContain('13912345678');
      // The e-mail sent, counted by channel; one metric per refused recipient, by channel (the worker's outcome
      // metric counts the message too).
      expect(single.addDimension.mock.calls).toEqual([
        ['channel', 'email'],
        ['channel', 'sms'],
        ['outcome', 'undeliverable'],
      ]);
      expect(single.addMetric.mock.calls).toEqual([
        ['NotifierSent', 'Count', 1],
        ['NotifierUndeliverable', 'Count', 1],
        ['NotifierOutcome', 'Count', 1],
      ]);
    } finally {
      warn.mockRestore();
      singleMetric.mockRestore();
    }
  });
});
