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
    await expect(port('notifications')).rejects.toThrow(ConfigError);
    await expect(port('notifications')).rejects.toThrow(/ALIYUN_SMS_SECRET_ID/);
  });

  it('lets the local runtime and tests install their own adapter', async () => {
    const local: NotificationsPort = { publish: async () => ({ messageId: 'local-1' }) };
    usePorts({ notifications: local });
    expect(await port('notifications')).toBe(local);
  });
});
