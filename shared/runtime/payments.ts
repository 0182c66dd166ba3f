/**
 * The composition root of payments: the use cases built with the DynamoDB payment store, the payments port
 * (the AWS providers with keys from Secrets Manager, or the local runtime's simulated providers installed
 * with `usePayments`), the clock in force and a monitor that logs and counts what was refused.
 */
import { randomBytes } from 'node:crypto';
import { DynamoPaymentStore } from '../adapters/dynamo/payment-store.js';
import { dynamoPrepaidFunds } from '../adapters/dynamo/prepaid-funds.js';
import { type CreatePaymentOrderInput, createPaymentOrder } from '../app/payments/create-payment-order.js';
import { approveCredit, type CreditAccountInput, creditAccount } from '../app/payments/credit-account.js';
import { handlePaymentNotification } from '../app/payments/handle-payment-notification.js';
import { listPaymentOrders } from '../app/payments/list-payment-orders.js';
import { reconcilePayments } from '../app/payments/reconcile-payments.js';
import { type RequestRefundInput, requestRefund } from '../app/payments/request-refund.js';
import { retryPendingRefunds } from '../app/payments/retry-pending-refunds.js';
import { confirmRefundFailure, settleRefundByOperator } from '../app/payments/settle-refund-by-operator.js';
import { numbersConfig } from '../domain/numbers/config.js';
import { DEFAULT_CREDIT_APPROVAL_FEN, type NotifyingChannel } from '../domain/payments/payments.js';
import { localDay } from '../domain/zoned-time.js';
import { logger, MetricUnit, metrics } from '../observability.js';
import {
  type NotificationRequest,
  PAYMENT_METRICS,
  type PaymentsMonitor,
  type PaymentsPort,
} from '../ports/payments.js';
import { businessZone, publish } from './ledger.js';
import { restoreAfterPayment } from './numbers.js';
import { clock } from './ports.js';
import { refusalRateAt } from './tariffs.js';

let store: DynamoPaymentStore | undefined;
/** The payment store, built once, publishing the alerts its credits and refunds commit. */
export function paymentStore(): DynamoPaymentStore {
  store ??= new DynamoPaymentStore(businessZone(), publish, refusalRateAt);
  return store;
}

let installed: PaymentsPort | undefined;
let aws: Promise<PaymentsPort> | undefined;

/** Install a payments port (the local runtime, tests); undefined returns to the AWS providers. */
export function usePayments(port: PaymentsPort | undefined): void {
  installed = port;
}

/**
 * The providers' adapters (alipay-sdk and its HTTP stack, ~1 MB) are reachable only from bundles whose row
 * calls a provider: infra defines HOTLINE_PORT_PAYMENTS "false" for the others (shared/runtime/ports.ts).
 */
const loadAwsPayments =
  process.env.HOTLINE_PORT_PAYMENTS !== 'false'
    ? async () => new (await import('../adapters/payments/aws-payments.js')).AwsPayments(() => clock().now())
    : undefined;

export async function paymentsPort(): Promise<PaymentsPort> {
  if (installed) return installed;
  if (!loadAwsPayments) throw new Error('the payment providers are not bundled with this function');
  aws ??= loadAwsPayments();
  return aws;
}

/** Logs, and counts as metrics: a total to alarm on and one per channel (and reason) to read. */
export const paymentsMonitor: PaymentsMonitor = {
  notificationRejected(channel, reason, detail) {
    logger.warn('payment notification refused', { channel, reason, ...detail });
    count(detail.parked === true ? PAYMENT_METRICS.parked : PAYMENT_METRICS.refused, 1, { channel, reason });
  },
  reconciliationDifferences(channel, day, n) {
    logger.error('payment reconciliation found differences', { channel, day, count: n });
    count(PAYMENT_METRICS.reconciliationDifferences, n, { channel });
  },
};

function count(name: string, value: number, dimensions: Record<string, string>): void {
  metrics.singleMetric().addMetric(name, MetricUnit.Count, value);
  const detailed = metrics.singleMetric();
  for (const [key, v] of Object.entries(dimensions)) detailed.addDimension(key, v);
  detailed.addMetric(name, MetricUnit.Count, value);
}

/** Fen above which an operator credit needs a second operator (HOTLINE_CREDIT_APPROVAL_FEN). */
export function creditApprovalThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HOTLINE_CREDIT_APPROVAL_FEN;
  const parsed = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : DEFAULT_CREDIT_APPROVAL_FEN;
}

/** 25 characters, letters and digits: within WeChat Pay's and Alipay's out_trade_no limits. */
export const newOrderId = () => `P${randomBytes(12).toString('hex')}`;

async function restoreNumbers(tenantId: string, at: string): Promise<void> {
  // A credit that ended arrears brings the numbers back now; the hourly number-arrears job is the backstop.
  await restoreAfterPayment(tenantId, at, numbersConfig()).catch((error: unknown) =>
    logger.error('restoring numbers after a payment failed; the arrears job will retry', {
      error: error as Error,
    }),
  );
}

export const payments = {
  async createOrder(input: CreatePaymentOrderInput) {
    return createPaymentOrder({ store: paymentStore(), payments: await paymentsPort(), newOrderId }, input);
  },
  listOrders(input: Parameters<typeof listPaymentOrders>[1]) {
    return listPaymentOrders({ store: paymentStore() }, input);
  },
  async notification(channel: NotifyingChannel, request: NotificationRequest, now: Date) {
    return handlePaymentNotification(
      {
        store: paymentStore(),
        payments: await paymentsPort(),
        monitor: paymentsMonitor,
        zone: businessZone(),
        afterCredit: restoreNumbers,
      },
      { channel, request, now },
    );
  },
  async creditAccount(input: CreditAccountInput) {
    const result = await creditAccount(
      { store: paymentStore(), approvalThreshold: creditApprovalThreshold() },
      input,
    );
    if (result.outcome === 'credited') await restoreNumbers(input.tenantId, input.now.toISOString());
    return result;
  },
  async approveCredit(input: Parameters<typeof approveCredit>[1]) {
    const result = await approveCredit({ store: paymentStore() }, input);
    if (result.outcome === 'credited') await restoreNumbers(input.tenantId, input.now.toISOString());
    return result;
  },
  async requestRefund(input: RequestRefundInput) {
    return requestRefund(
      {
        store: paymentStore(),
        funds: dynamoPrepaidFunds(),
        payments: await paymentsPort(),
        onRequestFailed: (refund, error) =>
          logger.error('refund request to the provider failed; it stays pending', {
            refundId: refund.refundId,
            error: error as Error,
          }),
      },
      input,
    );
  },
  async reconcile(day: string, now: Date, channels: readonly NotifyingChannel[] = ['alipay', 'wechat_pay']) {
    return reconcilePayments(
      { store: paymentStore(), payments: await paymentsPort(), monitor: paymentsMonitor },
      { day, channels, now },
    );
  },
  settleRefundByOperator(input: Parameters<typeof settleRefundByOperator>[1]) {
    return settleRefundByOperator(
      { store: paymentStore(), approvalThreshold: creditApprovalThreshold() },
      input,
    );
  },
  confirmRefundFailure(input: Parameters<typeof confirmRefundFailure>[1]) {
    return confirmRefundFailure({ store: paymentStore() }, input);
  },
  pendingRefunds(now: Date, limit: number) {
    // Every refund requested up to now (included).
    return paymentStore().pendingRefunds(new Date(now.getTime() + 1).toISOString(), limit);
  },
  /** Refunds without a result after an hour are asked for again (the hourly job). */
  async retryPendingRefunds(now: Date) {
    return retryPendingRefunds(
      { store: paymentStore(), payments: await paymentsPort() },
      { now, olderThanMs: 3600_000, limit: 100 },
    );
  },
  /** The business day before `at` (the daily job reconciles yesterday). */
  async reconcileDayBefore(at: Date) {
    const day = localDay(businessZone(), at.getTime() - 86_400_000);
    return { day, results: await payments.reconcile(day, at) };
  },
  parked(limit: number) {
    return paymentStore().parked(limit);
  },
};
