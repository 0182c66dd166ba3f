/**
 * Webhook routes: providers' notifications. Unlike shared/http/routes.ts they have no JWT authorizer (a
 * provider has no Cognito token); the handler verifies the provider's signature instead. Each has its own
 * stage throttle so a flood of forged notifications cannot eat the API's budget, and reads the merchant
 * secret. The CDK API adds them (infra/constructs/http-api.ts `addWebhookRoute`); locally the payments
 * capability calls the same handlers (POST /local/payments/{orderId}/pay).
 */
import type { TableId } from '../tables.js';
import type { Capability, TableAccess } from './routes.js';

export interface WebhookRoute {
  readonly id: string;
  readonly method: 'POST';
  readonly path: string;
  readonly entry: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities?: readonly Capability[];
  /** This route's own stage throttle (requests per second, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly summary: string;
}

export const WEBHOOK_ROUTES: readonly WebhookRoute[] = [
  {
    id: 'alipayNotify',
    method: 'POST',
    path: '/webhooks/alipay',
    entry: 'functions/webhooks/alipay.ts',
    tables: { ledger: 'write', ops: 'write', numbers: 'write', routing: 'write' },
    capabilities: ['notifications'],
    throttle: { rateLimit: 20, burstLimit: 40 },
    summary:
      'Alipay asynchronous notifications (payments, refunds): RSA2 signature checked, answered success/fail',
  },
  {
    id: 'wechatPayNotify',
    method: 'POST',
    path: '/webhooks/wechat-pay',
    entry: 'functions/webhooks/wechat-pay.ts',
    tables: { ledger: 'write', ops: 'write', numbers: 'write', routing: 'write' },
    capabilities: ['notifications'],
    throttle: { rateLimit: 20, burstLimit: 40 },
    summary:
      'WeChat Pay API v3 notifications (payments, refunds): platform signature, timestamp window, AES-GCM resource',
  },
];
