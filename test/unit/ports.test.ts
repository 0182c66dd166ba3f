import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.js';
import type { NotificationsPort } from '../../shared/ports/notifications.js';
import { port, resetPorts, usePorts } from '../../shared/runtime/ports.js';

afterEach(() => {
  resetPorts();
  delete process.env.ALIYUN_SMS_SIGN_NAME;
  delete process.env.CONNECT_INSTANCE_ARN;
  delete process.env.DOCUMENTS_BUCKET;
});

describe('the composition root', () => {
  it('builds each AWS adapter on first use, once, with nothing registered by the handler', async () => {
    process.env.CONNECT_INSTANCE_ARN = 'arn:aws:connect:ap-southeast-1:111122223333:instance/abc';
    process.env.DOCUMENTS_BUCKET = 'docs';
    const notifications = await port('notifications');
    expect(typeof notifications.publish).toBe('function');
    expect(await port('notifications')).toBe(notifications);
    expect(typeof (await port('telephony')).claimAccessNumber).toBe('function');
    expect(typeof (await port('documents')).presignUpload).toBe('function');
  });

  it('fails naming the missing variable rather than with an unregistered port', async () => {
    // SMS configured by its signature, without the secret holding the AccessKey.
    process.env.ALIYUN_SMS_SIGN_NAME = '四零零热线';
    await expect(port('messaging')).rejects.toThrow(ConfigError);
    await expect(port('messaging')).rejects.toThrow(/ALIYUN_SMS_SECRET_ID/);
    // Handing a notification over needs the notifications queue's URL.
    const notifications = await port('notifications');
    await expect(
      notifications.publish({
        tenantId: 't1',
        kind: 'low_balance',
        template: 'low_balance',
        params: { balance: '¥1.00', threshold: '¥10.00' },
        dedupeKey: 'low#t1#1',
      }),
    ).rejects.toThrow(/NOTIFICATIONS_QUEUE_URL/);
  });

  it('hands notifications to the queue: the notifications port is not the messaging port', async () => {
    const notifications = await port('notifications');
    const messaging = await port('messaging');
    expect(notifications).not.toBe(messaging);
  });

  it('lets the local runtime and tests install their own adapter', async () => {
    const local: NotificationsPort = { publish: async () => ({ messageId: 'local-1' }) };
    usePorts({ notifications: local });
    expect(await port('notifications')).toBe(local);
  });
});
