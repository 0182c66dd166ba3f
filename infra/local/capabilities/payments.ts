/**
 * Payments in the local runtime: simulated Alipay and WeChat Pay with keys generated at start-up
 * (shared/adapters/payments/local-provider.ts). A simulated payment or refund result is a genuinely signed
 * notification handed to the very webhook handler deployed in AWS (functions/webhooks/*), so the whole
 * loop (order → pay → credit → spend → refund) runs on a laptop:
 *   POST /local/payments/{orderId}/pay     {"amount"?, "tradeNo"?, "appId"?, "merchantId"?, "currency"?} (defaults: the order's)
 *   POST /local/payments/{orderId}/refund  {"succeeded"?: true} — results of the refunds the provider was asked for
 *   POST /local/webhooks/{channel}         {"headers", "body"} — any notification, as a provider would POST it
 *   GET  /local/payments/statements/{channel}/{day} — the provider's statement of a day
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LocalPaymentProviders } from '../../../shared/adapters/payments/local-provider.js';
import type { NotifyingChannel } from '../../../shared/domain/payments/payments.js';
import { WEBHOOK_ROUTES } from '../../../shared/http/webhooks.js';
import type { NotificationRequest } from '../../../shared/ports/payments.js';
import { paymentStore, usePayments } from '../../../shared/runtime/payments.js';
import type { ControlResult, LocalCapability, LocalRuntimeContext } from '../capability.js';

const CHANNELS: Record<string, NotifyingChannel> = {
  alipay: 'alipay',
  'wechat-pay': 'wechat_pay',
  wechat_pay: 'wechat_pay',
};
const WEBHOOK_ID: Record<NotifyingChannel, string> = {
  alipay: 'alipayNotify',
  wechat_pay: 'wechatPayNotify',
};

let providers: LocalPaymentProviders | undefined;

/** The local providers (keys, trades, pending refunds), for tests that play a provider by hand. */
export function localPaymentProviders(): LocalPaymentProviders {
  providers ??= new LocalPaymentProviders();
  return providers;
}

/** POSTs a notification to the channel's webhook handler as API Gateway would (no authorizer: none exists there). */
export async function deliverNotification(
  runtime: LocalRuntimeContext,
  channel: NotifyingChannel,
  request: NotificationRequest,
): Promise<{ status: number; body: string }> {
  const route = WEBHOOK_ROUTES.find((r) => r.id === WEBHOOK_ID[channel]);
  if (!route) throw new Error(`no webhook route for ${channel}`);
  const handler = await runtime.loadHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
    route.entry,
  );
  const now = runtime.clock.now().getTime();
  const event = {
    version: '2.0',
    routeKey: `POST ${route.path}`,
    rawPath: route.path,
    rawQueryString: '',
    headers: { ...request.headers } as Record<string, string>,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: route.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'local-provider',
      },
      requestId: `local-${now}-${Math.random().toString(36).slice(2)}`,
      routeKey: `POST ${route.path}`,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  } as APIGatewayProxyEventV2;
  const result = await handler(event, runtime.lambdaContext(route.id));
  return { status: result.statusCode ?? 200, body: String(result.body ?? '') };
}

const bad = (code: string, message: string, status = 400): ControlResult => ({
  status,
  body: { error: { code, message } },
});

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
const optNum = (v: unknown) => (typeof v === 'number' ? v : undefined);
const optStr = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const capability: LocalCapability = {
  name: 'payments',
  async setup() {
    providers = new LocalPaymentProviders();
    usePayments(providers);
  },
  routes: [
    {
      method: 'POST',
      path: '/local/payments/{orderId}/pay',
      handle: async ({ params, body }, runtime) => {
        const order = await paymentStore().order(params.orderId ?? '');
        if (!order) return bad('order_not_found', `no payment order ${params.orderId}`, 404);
        if (order.channel === 'bank_transfer')
          return bad(
            'no_provider',
            'bank transfers are recorded by an operator: POST /v1/accounts/{tenantId}/credits',
          );
        const b = obj(body);
        const { request, tradeNo } = localPaymentProviders().paymentNotification(order, {
          at: runtime.clock.now(),
          amount: optNum(b.amount),
          tradeNo: optStr(b.tradeNo),
          appId: optStr(b.appId),
          merchantId: optStr(b.merchantId),
          currency: optStr(b.currency),
        });
        const webhook = await deliverNotification(runtime, order.channel, request);
        return { status: 200, body: { orderId: order.orderId, tradeNo, notification: request, webhook } };
      },
    },
    {
      method: 'POST',
      path: '/local/payments/{orderId}/refund',
      handle: async ({ params, body }, runtime) => {
        const order = await paymentStore().order(params.orderId ?? '');
        if (!order) return bad('order_not_found', `no payment order ${params.orderId}`, 404);
        if (order.channel === 'bank_transfer')
          return bad('no_provider', 'bank refunds are paid out by finance');
        const local = localPaymentProviders();
        const succeeded = obj(body).succeeded !== false;
        const due = local.pendingRefunds.filter((r) => r.orderId === order.orderId);
        local.pendingRefunds.splice(
          0,
          local.pendingRefunds.length,
          ...local.pendingRefunds.filter((r) => r.orderId !== order.orderId),
        );
        const results = [];
        for (const refund of due) {
          const request = local.refundNotification(refund, order.channel, succeeded, runtime.clock.now());
          results.push({
            refundId: refund.refundId,
            webhook: await deliverNotification(runtime, order.channel, request),
          });
        }
        return { status: 200, body: { orderId: order.orderId, refunds: results } };
      },
    },
    {
      method: 'POST',
      path: '/local/webhooks/{channel}',
      handle: async ({ params, body }, runtime) => {
        const channel = CHANNELS[params.channel ?? ''];
        if (!channel) return bad('unknown_channel', 'alipay or wechat-pay');
        const b = obj(body);
        const headers = Object.fromEntries(
          Object.entries(obj(b.headers)).map(([k, v]) => [k.toLowerCase(), String(v)]),
        );
        const webhook = await deliverNotification(runtime, channel, { headers, body: String(b.body ?? '') });
        return { status: 200, body: { webhook } };
      },
    },
    {
      method: 'GET',
      path: '/local/payments/statements/{channel}/{day}',
      handle: async ({ params }) => {
        const channel = CHANNELS[params.channel ?? ''];
        if (!channel) return bad('unknown_channel', 'alipay or wechat-pay');
        return { status: 200, body: { items: localPaymentProviders().statement(channel, params.day ?? '') } };
      },
    },
  ],
};
