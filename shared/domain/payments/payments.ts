/**
 * Payments: orders a tenant pays through a provider, the rule that a verified notification must match its
 * order before any money is credited, operator credits, and how a refund is split over what was paid in.
 * Pure: adapters verify signatures and store items; these functions decide.
 */

export const PAYMENT_CHANNELS = ['alipay', 'wechat_pay', 'bank_transfer'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
/** Providers that send signed notifications (bank transfers are recorded by operators). */
export type NotifyingChannel = Exclude<PaymentChannel, 'bank_transfer'>;
export const CURRENCY = 'CNY';

/** Stored states; `expired` is also derived on read from `expiresAt`. */
export type PaymentOrderStatus = 'created' | 'paid' | 'expired' | 'partly_refunded' | 'refunded';

export interface PaymentOrder {
  readonly orderId: string;
  readonly tenantId: string;
  readonly channel: PaymentChannel;
  /** Fen. */
  readonly amount: number;
  readonly currency: typeof CURRENCY;
  readonly status: PaymentOrderStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly createdBy: string;
  readonly idempotencyKey: string;
  /** Bank transfers: the reference the payer writes on the transfer. */
  readonly transferReference?: string;
  readonly providerTradeNo?: string;
  readonly paidAt?: string;
  /** Fen refunded (confirmed by the provider) and on the way back (debited, not yet confirmed). */
  readonly refunded: number;
  readonly refundPending: number;
  readonly version: number;
}

/** How long a payer has before an order expires. Alipay and WeChat Pay default to 2 h; bank transfers take days. */
export const ORDER_LIFETIME_MS: Readonly<Record<PaymentChannel, number>> = {
  alipay: 2 * 3600_000,
  wechat_pay: 2 * 3600_000,
  bank_transfer: 7 * 24 * 3600_000,
};

/** The least and most one order may be (¥1 to ¥1,000,000). */
export const MIN_ORDER_FEN = 100;
export const MAX_ORDER_FEN = 100_000_000;

/** The state a tenant sees: a created order past its expiry is expired. */
export function orderStatusAt(
  order: Pick<PaymentOrder, 'status' | 'expiresAt'>,
  now: Date,
): PaymentOrderStatus {
  if (order.status === 'created' && Date.parse(order.expiresAt) <= now.getTime()) return 'expired';
  return order.status;
}

/** Fen of an order that may still go back to its payer. */
export function refundableRemainder(
  order: Pick<PaymentOrder, 'status' | 'amount' | 'refunded' | 'refundPending'>,
): number {
  if (order.status !== 'paid' && order.status !== 'partly_refunded') return 0;
  return Math.max(0, order.amount - order.refunded - order.refundPending);
}

/** The status after a refund was confirmed. */
export function statusAfterRefund(order: Pick<PaymentOrder, 'amount'>, refunded: number): PaymentOrderStatus {
  return refunded >= order.amount ? 'refunded' : 'partly_refunded';
}

/** What the provider says was paid, once its signature held (never before). */
export interface VerifiedPayment {
  readonly kind: 'payment';
  readonly channel: NotifyingChannel;
  /** Our order id, as we sent it (Alipay out_trade_no, WeChat Pay out_trade_no). */
  readonly orderId: string;
  /** The provider's trade number (Alipay trade_no, WeChat Pay transaction_id): one credit each, ever. */
  readonly tradeNo: string;
  readonly amount: number;
  readonly currency: string;
  readonly appId: string;
  readonly merchantId: string;
  readonly paidAt: string;
  /** True once the provider says the money is received (TRADE_SUCCESS/TRADE_FINISHED, SUCCESS). */
  readonly succeeded: boolean;
}

/** A refund result, verified like a payment. */
export interface VerifiedRefund {
  readonly kind: 'refund';
  readonly channel: NotifyingChannel;
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: number;
  readonly succeeded: boolean;
  /**
   * Not paid out yet and not failed either: the provider holds the money until someone handles it by hand
   * (WeChat Pay ABNORMAL, the payer's card refused it), then reports the final result.
   */
  readonly held?: boolean;
  readonly appId?: string;
  readonly merchantId: string;
}

export type VerifiedNotification = VerifiedPayment | VerifiedRefund;

export interface MerchantIdentity {
  readonly appId: string;
  readonly merchantId: string;
}

export type PaymentMismatch =
  | 'channel_mismatch'
  | 'app_mismatch'
  | 'merchant_mismatch'
  | 'currency_mismatch'
  | 'amount_mismatch';

/**
 * Whether a verified payment is this order's: same channel, our app and merchant, CNY and the exact amount.
 * A valid signature alone proves only that the provider sent it, not that it pays this order.
 */
export function paymentMismatch(
  order: Pick<PaymentOrder, 'channel' | 'amount' | 'currency'>,
  payment: VerifiedPayment,
  merchant: MerchantIdentity,
): PaymentMismatch | undefined {
  if (payment.channel !== order.channel) return 'channel_mismatch';
  if (payment.appId !== merchant.appId) return 'app_mismatch';
  if (payment.merchantId !== merchant.merchantId) return 'merchant_mismatch';
  if (payment.currency !== order.currency) return 'currency_mismatch';
  if (payment.amount !== order.amount) return 'amount_mismatch';
  return undefined;
}

/** The ledger key of a payment's credit: one per provider trade number, forever. */
export const paymentLedgerKey = (channel: PaymentChannel, tradeNo: string) => `payment#${channel}#${tradeNo}`;

/** Fen from yuan as Alipay writes them ("88.80"), by integer arithmetic; undefined when not such a text. */
export function fenFromYuanText(text: string): number | undefined {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

// ---- operator credits ----

export const CREDIT_KINDS = ['bank_transfer', 'manual', 'promotional'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

/** Above this many fen a credit takes a second operator (HOTLINE_CREDIT_APPROVAL_FEN; default ¥10,000). */
export const DEFAULT_CREDIT_APPROVAL_FEN = 1_000_000;

export function needsSecondOperator(amount: number, threshold: number): boolean {
  return amount > threshold;
}

export interface OperatorCredit {
  readonly creditId: string;
  readonly tenantId: string;
  readonly kind: CreditKind;
  readonly amount: number;
  readonly reason: string;
  /** Bank transfers: the order's transfer reference. */
  readonly reference?: string;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly status: 'proposed' | 'credited' | 'rejected';
  readonly approvedBy?: string;
  readonly creditedAt?: string;
}

/** Promotional credit never goes back out as money. */
export const isRefundableCredit = (kind: CreditKind) => kind !== 'promotional';

export const operatorCreditLedgerKey = (creditId: string) => `credit#${creditId}`;

// ---- refunds ----

export interface RefundAllocation {
  readonly orderId: string;
  readonly channel: PaymentChannel;
  readonly amount: number;
}

/**
 * How much may go back: what payments still hold, but never more than the balance less all
 * non-refundable credit ever given (spending is counted against paid-in money first, so a promotional
 * credit can never be turned into cash).
 */
export function refundableTotal(
  orders: readonly Pick<PaymentOrder, 'status' | 'amount' | 'refunded' | 'refundPending'>[],
  balance: number,
  nonRefundableCredited: number,
): number {
  const paidIn = orders.reduce((sum, o) => sum + refundableRemainder(o), 0);
  return Math.max(0, Math.min(paidIn, balance - nonRefundableCredited));
}

/** A refund split over payments, oldest first, each back to its own channel; undefined when too much is asked. */
export function allocateRefund(
  orders: readonly PaymentOrder[],
  amount: number,
  limit: number,
): RefundAllocation[] | undefined {
  if (amount <= 0 || amount > limit) return undefined;
  // Paid first goes first; orders paid at the same instant in a fixed order (created, then id).
  const oldestFirst = [...orders].sort(
    (a, b) =>
      (a.paidAt ?? a.createdAt).localeCompare(b.paidAt ?? b.createdAt) ||
      a.createdAt.localeCompare(b.createdAt) ||
      a.orderId.localeCompare(b.orderId),
  );
  const allocations: RefundAllocation[] = [];
  let left = amount;
  for (const order of oldestFirst) {
    if (left === 0) break;
    const take = Math.min(left, refundableRemainder(order));
    if (take > 0) allocations.push({ orderId: order.orderId, channel: order.channel, amount: take });
    left -= take;
  }
  return left === 0 ? allocations : undefined;
}

// ---- reconciliation ----

export interface StatementLine {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: number;
}

export interface ReconciliationDifference {
  readonly kind: 'missing' | 'extra' | 'amount';
  readonly orderId: string;
  readonly tradeNo?: string;
  readonly recorded?: number;
  readonly statement?: number;
}

/**
 * Our recorded payments of a day against the provider's statement: `missing` is in the statement but not
 * credited here, `extra` is credited here but not in the statement, `amount` differs.
 */
export function reconcile(
  recorded: readonly StatementLine[],
  statement: readonly StatementLine[],
): ReconciliationDifference[] {
  const ours = new Map(recorded.map((l) => [l.tradeNo, l]));
  const theirs = new Map(statement.map((l) => [l.tradeNo, l]));
  const differences: ReconciliationDifference[] = [];
  for (const line of statement) {
    const mine = ours.get(line.tradeNo);
    if (!mine)
      differences.push({
        kind: 'missing',
        orderId: line.orderId,
        tradeNo: line.tradeNo,
        statement: line.amount,
      });
    else if (mine.amount !== line.amount)
      differences.push({
        kind: 'amount',
        orderId: line.orderId,
        tradeNo: line.tradeNo,
        recorded: mine.amount,
        statement: line.amount,
      });
  }
  for (const line of recorded)
    if (!theirs.has(line.tradeNo))
      differences.push({
        kind: 'extra',
        orderId: line.orderId,
        tradeNo: line.tradeNo,
        recorded: line.amount,
      });
  return differences;
}
