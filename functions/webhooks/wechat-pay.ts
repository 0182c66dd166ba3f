/** POST /webhooks/wechat-pay — WeChat Pay API v3 notifications (payments and refunds); no JWT, signature-checked. */
import { webhookHandler } from '../../shared/http/webhook-handler.js';
import { payments } from '../../shared/runtime/payments.js';
import { clock } from '../../shared/runtime/ports.js';

export const handler = webhookHandler(
  'wechatPayNotify',
  (request, now) => payments.notification('wechat_pay', request, now),
  () => clock().now(),
);
