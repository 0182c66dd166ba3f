/** POST /webhooks/alipay — Alipay's asynchronous notifications (payments and refunds); no JWT, signature-checked. */
import { webhookHandler } from '../../shared/http/webhook-handler.js';
import { payments } from '../../shared/runtime/payments.js';
import { clock } from '../../shared/runtime/ports.js';

export const handler = webhookHandler(
  'alipayNotify',
  (request, now) => payments.notification('alipay', request, now),
  () => clock().now(),
);
