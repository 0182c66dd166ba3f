/**
 * Payments behind ports: the providers (Alipay, WeChat Pay, bank transfer; a local provider that plays
 * them with locally generated keys) and the store that keeps orders and credits the ledger. A balance rises
 * only through `PaymentLedger.creditPayment` (a verified notification that matched its order) or
 * `creditOperator` (an operator's recorded credit), each in one transaction with the ledger entry.
 */
import type {
  MerchantIdentity,
  NotifyingChannel,
  OperatorCredit,
  PaymentChannel,
  PaymentOrder,
  RefundAllocation,
  StatementLine,
  VerifiedNotification,
} from '../domain/payments/payments.js';
import type { Page } from './paging.js';

/** The environment variable naming the merchant-keys secret (its id or ARN, never its value). */
export const PAYMENTS_SECRET_ENV = 'PAYMENTS_SECRET_ID';

/** What the payer needs: a pay URL or QR content, or our account and the transfer reference. */
export interface ChargeInstructions {
  readonly payUrl?: string;
  readonly qrCode?: string;
  readonly bankAccount?: {
    readonly accountName: string;
    readonly accountNumber: string;
    readonly bankName: string;
  };
  readonly transferReference?: string;
}

/** A webhook request as it arrived: headers (lower-case names) and the body exactly as sent. */
export interface NotificationRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export type NotificationRejection =
  | 'malformed'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'undecryptable'
  | 'unknown_key';

export type VerificationResult =
  | { readonly ok: true; readonly notification: VerifiedNotification }
  | { readonly ok: false; readonly reason: NotificationRejection };

/** The provider's documented answer to a notification (success stops its retries, failure asks for one). */
export interface WebhookAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface RefundRequest {
  readonly refundId: string;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: number;
  readonly orderAmount: number;
}

export interface PaymentProvider {
  readonly channel: PaymentChannel;
  /** Our app id and merchant id at this provider: a notification must name both. */
  merchant(): Promise<MerchantIdentity>;
  createCharge(order: PaymentOrder): Promise<ChargeInstructions>;
  /**
   * Asks the provider to send money back: 'requested' when it took the request (its result comes later
   * as a verified notification), 'refused' when it said no outright. Throws when the answer is unknown.
   */
  requestRefund(refund: RefundRequest): Promise<'requested' | 'refused'>;
}

export interface NotifyingProvider extends PaymentProvider {
  readonly channel: NotifyingChannel;
  /** Signature (and, for WeChat Pay, timestamp window and decryption) checked with the provider's keys. */
  verifyNotification(request: NotificationRequest, now: Date): Promise<VerificationResult>;
  answer(accepted: boolean): WebhookAnswer;
  /** The provider's statement of the payments of a day (YYYY-MM-DD, Asia/Shanghai). */
  statement(day: string): Promise<StatementLine[]>;
}

export interface PaymentsPort {
  provider(channel: 'alipay' | 'wechat_pay'): Promise<NotifyingProvider>;
  provider(channel: PaymentChannel): Promise<PaymentProvider>;
}

// ---- storage ----

export type CreatedOrder =
  | { readonly created: true; readonly order: PaymentOrder }
  | { readonly created: false; readonly order: PaymentOrder };

export interface PaymentCredit {
  readonly tradeNo: string;
  readonly at: string;
  /** The business day of the payment (reconciliation reads a day's payments by it). */
  readonly day: string;
}

export type CreditOutcome = 'credited' | 'duplicate' | 'not_payable';

export interface ParkedNotification {
  readonly channel: NotifyingChannel;
  readonly reason: string;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: number;
  readonly at: string;
  readonly detail: Readonly<Record<string, string | number>>;
}

export interface RefundRecord {
  readonly refundId: string;
  readonly tenantId: string;
  readonly orderId: string;
  readonly channel: PaymentChannel;
  readonly amount: number;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly requestedAt: string;
  readonly requestedBy: string;
  /** A failure above the approval amount one operator recorded; it waits for a second operator. */
  readonly failureProposal?: RefundFailureProposal;
}

export interface RefundFailureProposal {
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

/** The money-moving writes: each one transaction with its ledger entry and the account's new state. */
export interface PaymentLedger {
  /** Marks the order paid and credits it, once per provider trade number (and once per order). */
  creditPayment(order: PaymentOrder, credit: PaymentCredit): Promise<CreditOutcome>;
  /** Credits an operator's credit (and marks a bank-transfer order paid, when it names one). */
  creditOperator(credit: OperatorCredit, at: string, order?: PaymentOrder): Promise<'credited' | 'duplicate'>;
  /**
   * Debits the refunds from the balance and reserves them on their orders, all or nothing, only while the
   * account is still at `accountVersion`, the one the refundable total was read at ('conflict' otherwise).
   */
  startRefunds(
    tenantId: string,
    requestId: string,
    allocations: readonly RefundAllocation[],
    at: string,
    by: string,
    accountVersion: number,
  ): Promise<RefundRecord[] | 'duplicate' | 'conflict'>;
  /**
   * A refund the provider paid out without our request (made in its merchant console), verified: the
   * balance is debited and the order's refunded grows, in one transaction, once per refund id.
   * 'not_refundable' when the order no longer holds that much.
   */
  recordProviderRefund(
    order: PaymentOrder,
    refund: { readonly refundId: string; readonly amount: number; readonly at: string },
  ): Promise<'recorded' | 'duplicate' | 'not_refundable'>;
  /** A verified refund result: confirmed (the order's refunded grows) or failed (the debit is reversed). */
  settleRefund(
    refund: RefundRecord,
    succeeded: boolean,
    at: string,
    /** Who recorded the result and why (operators settling bank refunds; who proposed a large failure). */
    by?: { readonly by: string; readonly reason: string; readonly proposedBy?: string },
  ): Promise<'settled' | 'duplicate'>;
  /**
   * Records a failure proposal on a pending refund, moving no money: 'already_proposed' when one is there,
   * 'not_pending' once the refund has its result.
   */
  proposeRefundFailure(
    refundId: string,
    proposal: RefundFailureProposal,
  ): Promise<'proposed' | 'already_proposed' | 'not_pending'>;
}

export interface PaymentStore extends PaymentLedger {
  createOrder(order: PaymentOrder): Promise<CreatedOrder>;
  order(orderId: string): Promise<PaymentOrder | undefined>;
  orderByReference(reference: string): Promise<PaymentOrder | undefined>;
  listOrders(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<PaymentOrder>>;
  /** Every order of a tenant that was paid (refund allocation reads their remainders). */
  paidOrders(tenantId: string): Promise<PaymentOrder[]>;
  refund(refundId: string): Promise<RefundRecord | undefined>;
  /** Refunds still waiting for the provider's result, requested before an instant, oldest first. */
  pendingRefunds(requestedBefore: string, limit: number): Promise<RefundRecord[]>;
  /** The refunds a refund request (its Idempotency-Key) started, or undefined when it is new. */
  refundRequest(tenantId: string, requestId: string): Promise<RefundRecord[] | undefined>;
  park(notification: ParkedNotification): Promise<void>;
  parked(limit: number): Promise<ParkedNotification[]>;
  saveProposal(credit: OperatorCredit): Promise<void>;
  credit(tenantId: string, creditId: string): Promise<OperatorCredit | undefined>;
  /** Payments credited on a business day for a channel. */
  recordedPayments(channel: NotifyingChannel, day: string): Promise<StatementLine[]>;
  /** Keeps a day's reconciliation; false when that day was already reconciled with the same result. */
  saveReconciliation(
    channel: NotifyingChannel,
    day: string,
    differences: readonly unknown[],
    at: string,
  ): Promise<boolean>;
}

/** Metrics the monitor emits (with the service dimension only) and infra alarms on. */
export const PAYMENT_METRICS = {
  refused: 'PaymentNotificationsRefused',
  parked: 'PaymentNotificationsParked',
  reconciliationDifferences: 'PaymentReconciliationDifferences',
} as const;

/** Where refused notifications and reconciliation differences are logged and counted (metrics, alarms). */
export interface PaymentsMonitor {
  notificationRejected(
    channel: NotifyingChannel,
    reason: string,
    detail: Readonly<Record<string, unknown>>,
  ): void;
  reconciliationDifferences(channel: NotifyingChannel, day: string, count: number): void;
}
