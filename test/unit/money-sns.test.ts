import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnsNotifications, DirectSmsNotAllowed } from '../../shared/adapters/sns/notifications.js';
import { type Account, alertFor, applyMovements, newAccount } from '../../shared/domain/accounts/account.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:ap-southeast-1:111122223333:alerts';

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => sns.restore());

describe('SNS notifications adapter', () => {
  it('publishes to the alerts topic with tenant and kind attributes, and SMS to listed phones', async () => {
    const port = createSnsNotifications(new SNSClient({ region: 'ap-southeast-1' }), TOPIC);
    const result = await port.publish({
      tenantId: 'acme',
      kind: 'low_balance',
      subject: 'Low balance',
      text: 'Your balance is ¥42.00',
      dedupeKey: 'low_balance#acme#7',
      attributes: { phones: '+8613900000000,not-a-phone' },
    });
    expect(result.messageId).toBe('m-1');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageAttributes: expect.objectContaining({
        tenantId: { DataType: 'String', StringValue: 'acme' },
        kind: { DataType: 'String', StringValue: 'low_balance' },
      }),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { PhoneNumber: '+8613900000000' });
  });

  it('publishes once per crossing: a run of charges below the threshold alerts once', async () => {
    const port = createSnsNotifications(new SNSClient({ region: 'ap-southeast-1' }), TOPIC);
    let account: Account = { ...newAccount('acme', '2026-11-24'), balance: 6_000 };
    for (let i = 0; i < 20; i++) {
      const step = applyMovements(account, [{ amount: -150, spend: { amount: 150, day: '2026-11-24' } }]);
      account = step.account;
      for (const c of step.crossings) await port.publish(alertFor(account, c));
    }
    expect(account.balance).toBe(3_000);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({
        kind: { DataType: 'String', StringValue: 'low_balance' },
      }),
    });
  });

  it('publishes nothing of an alert that texts phones where direct SMS is not allowed (issue 15)', async () => {
    const port = createSnsNotifications(new SNSClient({ region: 'ap-southeast-1' }), TOPIC, {
      directSms: false,
    });
    const alert = {
      tenantId: 'acme',
      kind: 'low_balance',
      subject: 'Low balance',
      text: 'Your balance is ¥42.00',
      dedupeKey: 'low_balance#acme#7',
    } as const;
    await expect(port.publish({ ...alert, attributes: { phones: '+8613900000000' } })).rejects.toThrow(
      DirectSmsNotAllowed,
    );
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    // Without phones, the topic publish goes ahead.
    await port.publish({ ...alert, attributes: { emails: 'ops@acme.cn' } });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC });
  });

  it('lets a failed publish fail (the outbox keeps it for a retry)', async () => {
    sns.on(PublishCommand).rejects(new Error('throttled'));
    const port = createSnsNotifications(new SNSClient({ region: 'ap-southeast-1' }), TOPIC);
    await expect(
      port.publish({ tenantId: 'a', kind: 'arrears', subject: 's', text: 't', dedupeKey: 'k' }),
    ).rejects.toThrow('throttled');
  });
});
