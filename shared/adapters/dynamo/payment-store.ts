/**
 * Payment orders, operator credits, refunds and parked notifications in the ledger table, and the writes
 * that move money: each one TransactWriteItems holding the account's new state (its version checked), the
 * ledger entry (`attribute_not_exists`, the permanent dedupe), the order's state change (its version and
 * status checked) and, for a payment, a trade item per provider trade number, so a balance can never rise
 * without the order moving with it, nor twice for one trade.
 *
 * Items (ledger table):
 *   PAYORDER#<orderId> / ORDER   gsi1 PAYMENTS#<tenant> / <createdAt>#<orderId>; once paid gsi2 PAID#<channel>#<day> / <tradeNo>
 *   PAYIDEM#<tenant>#<key> / IDEM (the order an Idempotency-Key made) · PAYREF#<reference> / REF (bank transfers)
 *   PAYTRADE#<channel>#<tradeNo> / TRADE · ACCT#<tenant> / PAYSUMMARY (nonRefundable fen credited)
 *   ACCT#<tenant> / CREDIT#<creditId> · ACCT#<tenant> / REFUNDREQ#<requestId> · PAYREFUND#<refundId> / REFUND
 *   PAYPARKED#<channel>#<tradeNo>#<reason> / PARKED  gsi1 PAYMENTS#parked / <at>#… · PAYRECON#<channel>#<day> / RECON
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { LedgerEntryInput } from '../../domain/ledger/types.js';
import {
  isRefundableCredit,
  type NotifyingChannel,
  type OperatorCredit,
  operatorCreditLedgerKey,
  type PaymentOrder,
  paymentLedgerKey,
  type RefundAllocation,
  refundableRemainder,
  type StatementLine,
  statusAfterRefund,
} from '../../domain/payments/payments.js';
import { localDay } from '../../domain/zoned-time.js';
import type { Notification } from '../../ports/notifications.js';
import type { Page } from '../../ports/paging.js';
import type {
  CreatedOrder,
  CreditOutcome,
  ParkedNotification,
  PaymentCredit,
  PaymentStore,
  RefundFailureProposal,
  RefundRecord,
} from '../../ports/payments.js';
import { readAccount, type StoredAccount, type TransactItem } from './account-store.js';
import { dynamo, isConditionFailure } from './client.js';
import { isTransactionConflict, ledgerEntryKey, postingActions } from './ledger-store.js';
import { queryAll, queryPage } from './paging.js';

type Item = Record<string, unknown>;
const MAX_ATTEMPTS = 10;
const PENDING_REFUNDS = 'PAYREFUNDS#pending';

const orderKey = (orderId: string) => ({ pk: `PAYORDER#${orderId}`, sk: 'ORDER' });
const tradeKey = (channel: string, tradeNo: string) => ({
  pk: `PAYTRADE#${channel}#${tradeNo}`,
  sk: 'TRADE',
});
/** The tenant's payment summary (non-refundable credit ever given), beside its account item. */
export const summaryKey = (tenantId: string) => ({ pk: `ACCT#${tenantId}`, sk: 'PAYSUMMARY' });
const creditKey = (tenantId: string, creditId: string) => ({
  pk: `ACCT#${tenantId}`,
  sk: `CREDIT#${creditId}`,
});
const refundKey = (refundId: string) => ({ pk: `PAYREFUND#${refundId}`, sk: 'REFUND' });

function orderFromItem(item: Item): PaymentOrder {
  return {
    orderId: String(item.orderId),
    tenantId: String(item.tenantId),
    channel: item.channel as PaymentOrder['channel'],
    amount: Number(item.amount),
    currency: 'CNY',
    status: item.status as PaymentOrder['status'],
    createdAt: String(item.createdAt),
    expiresAt: String(item.expiresAt),
    createdBy: String(item.createdBy),
    idempotencyKey: String(item.idempotencyKey),
    ...(typeof item.transferReference === 'string' ? { transferReference: item.transferReference } : {}),
    ...(typeof item.providerTradeNo === 'string' ? { providerTradeNo: item.providerTradeNo } : {}),
    ...(typeof item.paidAt === 'string' ? { paidAt: item.paidAt } : {}),
    refunded: Number(item.refunded ?? 0),
    refundPending: Number(item.refundPending ?? 0),
    version: Number(item.version ?? 0),
  };
}

function orderItem(order: PaymentOrder): Item {
  return {
    ...orderKey(order.orderId),
    type: 'payment_order',
    ...order,
    gsi1pk: `PAYMENTS#${order.tenantId}`,
    gsi1sk: `${order.createdAt}#${order.orderId}`,
  };
}

async function getItem(key: { pk: string; sk: string }): Promise<Item | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: key, ConsistentRead: true }),
  );
  return Item;
}

export class DynamoPaymentStore implements PaymentStore {
  /**
   * `zone` picks the spend day; `publishAlerts` sends the alerts committed with a credit or refund (the
   * composition root's outbox publisher), after the transaction; `refusalRateAt` is the refusal point's
   * rate at an instant (the tariff in force's dearest minute, as call setup reads it).
   */
  constructor(
    private readonly zone: string,
    private readonly publishAlerts: (alerts: readonly Notification[]) => Promise<unknown>,
    private readonly refusalRateAt: (at: Date) => Promise<number>,
  ) {}

  private get table(): string {
    return tableName('ledger');
  }

  async createOrder(order: PaymentOrder): Promise<CreatedOrder> {
    const idem = { pk: `PAYIDEM#${order.tenantId}#${order.idempotencyKey}`, sk: 'IDEM' };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: orderItem(order),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...idem, type: 'payment_idempotency', orderId: order.orderId, createdAt: order.createdAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (order.transferReference)
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            pk: `PAYREF#${order.transferReference}`,
            sk: 'REF',
            type: 'payment_reference',
            orderId: order.orderId,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return { created: true, order };
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      const first = await getItem(idem);
      const existing = first ? await this.order(String(first.orderId)) : undefined;
      if (!existing) throw error;
      return { created: false, order: existing };
    }
  }

  async order(orderId: string): Promise<PaymentOrder | undefined> {
    const item = await getItem(orderKey(orderId));
    return item ? orderFromItem(item) : undefined;
  }

  async orderByReference(reference: string): Promise<PaymentOrder | undefined> {
    const ref = await getItem({ pk: `PAYREF#${reference}`, sk: 'REF' });
    return ref ? this.order(String(ref.orderId)) : undefined;
  }

  async listOrders(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<PaymentOrder>> {
    const pk = `PAYMENTS#${tenantId}`;
    const page = await queryPage(
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
      },
      { partitionKey: 'gsi1pk', partition: pk, limit, cursor },
    );
    return { ...page, items: page.items.map(orderFromItem) };
  }

  async paidOrders(tenantId: string): Promise<PaymentOrder[]> {
    const items = await queryAll({
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `PAYMENTS#${tenantId}` },
    });
    // The index is eventually consistent: each candidate is read again, consistently.
    const candidates = items.filter((i) => i.status === 'paid' || i.status === 'partly_refunded');
    const orders = await Promise.all(candidates.map((i) => this.order(String(i.orderId))));
    return orders.filter((o): o is PaymentOrder => o !== undefined);
  }

  async refund(refundId: string): Promise<RefundRecord | undefined> {
    const item = await getItem(refundKey(refundId));
    return item ? refundFromItem(item) : undefined;
  }

  async refundRequest(tenantId: string, requestId: string): Promise<RefundRecord[] | undefined> {
    const request = await getItem({ pk: `ACCT#${tenantId}`, sk: `REFUNDREQ#${requestId}` });
    if (!request) return undefined;
    const ids = Array.isArray(request.refundIds) ? request.refundIds.map(String) : [];
    const refunds = await Promise.all(ids.map((id) => this.refund(id)));
    return refunds.filter((r): r is RefundRecord => r !== undefined);
  }

  async pendingRefunds(requestedBefore: string, limit: number): Promise<RefundRecord[]> {
    const page = await queryPage(
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': PENDING_REFUNDS, ':before': requestedBefore },
      },
      { partitionKey: 'gsi1pk', partition: PENDING_REFUNDS, limit },
    );
    return page.items.map(refundFromItem).filter((r) => r.status === 'pending');
  }

  async park(n: ParkedNotification): Promise<void> {
    // One item per trade and reason: the provider's retries of the same notification park it once.
    await dynamo()
      .send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `PAYPARKED#${n.channel}#${n.tradeNo}#${n.reason}`,
            sk: 'PARKED',
            type: 'payment_parked',
            ...n,
            gsi1pk: 'PAYMENTS#parked',
            gsi1sk: `${n.at}#${n.channel}#${n.tradeNo}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!isTransactionConflict(error)) throw error;
      });
  }

  async parked(limit: number): Promise<ParkedNotification[]> {
    const page = await queryPage(
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'PAYMENTS#parked' },
        ScanIndexForward: false,
      },
      { partitionKey: 'gsi1pk', partition: 'PAYMENTS#parked', limit },
    );
    return page.items.map((i) => ({
      channel: i.channel as NotifyingChannel,
      reason: String(i.reason),
      orderId: String(i.orderId),
      tradeNo: String(i.tradeNo),
      amount: Number(i.amount),
      at: String(i.at),
      detail: (i.detail ?? {}) as Record<string, string | number>,
    }));
  }

  async saveProposal(credit: OperatorCredit): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: this.table,
        Item: { ...creditKey(credit.tenantId, credit.creditId), type: 'operator_credit', ...credit },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async credit(tenantId: string, creditId: string): Promise<OperatorCredit | undefined> {
    const item = await getItem(creditKey(tenantId, creditId));
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...credit } = item;
    return credit as unknown as OperatorCredit;
  }

  async recordedPayments(channel: NotifyingChannel, day: string): Promise<StatementLine[]> {
    const items = await queryAll({
      TableName: this.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `PAID#${channel}#${day}` },
    });
    return items.map((i) => ({
      orderId: String(i.orderId),
      tradeNo: String(i.providerTradeNo),
      amount: Number(i.amount),
    }));
  }

  async saveReconciliation(
    channel: NotifyingChannel,
    day: string,
    differences: readonly unknown[],
    at: string,
  ): Promise<boolean> {
    const digest = createHash('sha256').update(JSON.stringify(differences)).digest('hex');
    try {
      await dynamo().send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `PAYRECON#${channel}#${day}`,
            sk: 'RECON',
            type: 'payment_reconciliation',
            channel,
            day,
            digest,
            differences,
            at,
          },
          // A second run with the same result writes nothing and alerts nobody; a changed result replaces it.
          ConditionExpression: 'attribute_not_exists(pk) OR digest <> :d',
          ExpressionAttributeValues: { ':d': digest },
        }),
      );
      return true;
    } catch (error) {
      if (isTransactionConflict(error)) return false;
      throw error;
    }
  }

  // ---- money-moving writes ----

  /**
   * One attempt's transaction, then the alerts it committed. False when a condition failed (the account,
   * order or refund moved meanwhile): the caller reads again and decides.
   */
  private async commit(actions: TransactItem[], outbox: readonly Notification[]): Promise<boolean> {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: actions }));
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      return false;
    }
    await this.publishAlerts(outbox);
    return true;
  }

  /**
   * The account's next state and its actions after `entries` at `at`, with any alert crossings (at the
   * refusal point's rate then) in the outbox: the ledger's own posting rules (postingActions).
   */
  private async accountActions(
    stored: StoredAccount,
    entries: readonly LedgerEntryInput[],
    at: string,
  ): Promise<{ actions: TransactItem[]; outbox: Notification[] }> {
    const now = new Date(at);
    const { actions, alerts } = postingActions(
      stored,
      entries,
      now,
      this.zone,
      await this.refusalRateAt(now),
    );
    return { actions, outbox: alerts };
  }

  private async readAccountAt(tenantId: string, at: string): Promise<StoredAccount> {
    return readAccount(tenantId, localDay(this.zone, Date.parse(at)));
  }

  private orderPaidAction(order: PaymentOrder, tradeNo: string, paidAt: string, day: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: orderKey(order.orderId),
        UpdateExpression:
          'SET #s = :paid, providerTradeNo = :t, paidAt = :at, gsi2pk = :g2pk, gsi2sk = :t, version = version + :one',
        ConditionExpression: '#s = :created AND version = :v',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':paid': 'paid',
          ':created': 'created',
          ':t': tradeNo,
          ':at': paidAt,
          ':g2pk': `PAID#${order.channel}#${day}`,
          ':one': 1,
          ':v': order.version,
        },
      },
    };
  }

  async creditPayment(order: PaymentOrder, credit: PaymentCredit): Promise<CreditOutcome> {
    const entry: LedgerEntryInput = {
      tenantId: order.tenantId,
      key: paymentLedgerKey(order.channel, credit.tradeNo),
      kind: 'top_up',
      amount: order.amount,
      at: credit.at,
      description: `payment ${order.orderId} (${order.channel})`,
      meta: { orderId: order.orderId, channel: order.channel, tradeNo: credit.tradeNo, refundable: true },
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.order(order.orderId);
      if (!current) return 'not_payable';
      if (current.status !== 'created')
        return current.providerTradeNo === credit.tradeNo ? 'duplicate' : 'not_payable';
      const stored = await this.readAccountAt(order.tenantId, credit.at);
      const { actions, outbox } = await this.accountActions(stored, [entry], credit.at);
      actions.push(this.orderPaidAction(current, credit.tradeNo, credit.at, credit.day), {
        Put: {
          TableName: this.table,
          Item: {
            ...tradeKey(order.channel, credit.tradeNo),
            type: 'payment_trade',
            orderId: order.orderId,
            tenantId: order.tenantId,
            at: credit.at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      if (await this.commit(actions, outbox)) return 'credited';
      // Someone else moved the account or the order (a concurrent duplicate): read again and decide.
      const trade = await getItem(tradeKey(order.channel, credit.tradeNo));
      if (trade) return trade.orderId === order.orderId ? 'duplicate' : 'not_payable';
      await backoff(attempt);
    }
    throw new Error(`payment ${order.orderId}: the account stayed busy`);
  }

  async creditOperator(
    credit: OperatorCredit,
    at: string,
    order?: PaymentOrder,
  ): Promise<'credited' | 'duplicate'> {
    const entry: LedgerEntryInput = {
      tenantId: credit.tenantId,
      key: operatorCreditLedgerKey(credit.creditId),
      kind: credit.kind === 'bank_transfer' ? 'top_up' : 'adjustment',
      amount: credit.amount,
      at,
      description: `${credit.kind.replace('_', ' ')} credit: ${credit.reason}`,
      meta: {
        creditId: credit.creditId,
        creditKind: credit.kind,
        by: credit.proposedBy,
        reason: credit.reason,
        refundable: isRefundableCredit(credit.kind),
        ...(credit.approvedBy ? { approvedBy: credit.approvedBy } : {}),
        ...(credit.reference ? { reference: credit.reference } : {}),
        ...(order ? { orderId: order.orderId } : {}),
      },
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await getItem(ledgerEntryKey(credit.tenantId, entry.key))) return 'duplicate';
      const stored = await this.readAccountAt(credit.tenantId, at);
      const { actions, outbox } = await this.accountActions(stored, [entry], at);
      actions.push({
        Put: {
          TableName: this.table,
          Item: { ...creditKey(credit.tenantId, credit.creditId), type: 'operator_credit', ...credit },
          // A proposal is replaced only while it is still a proposal.
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :proposed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':proposed': 'proposed' },
        },
      });
      if (!isRefundableCredit(credit.kind))
        actions.push({
          Update: {
            TableName: this.table,
            Key: summaryKey(credit.tenantId),
            UpdateExpression: 'SET #t = :type ADD nonRefundable :a',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: { ':a': credit.amount, ':type': 'payment_summary' },
          },
        });
      if (order) {
        const current = await this.order(order.orderId);
        if (!current) throw new Error(`order ${order.orderId} vanished`);
        actions.push(
          this.orderPaidAction(current, `credit-${credit.creditId}`, at, localDay(this.zone, Date.parse(at))),
        );
      }
      if (await this.commit(actions, outbox)) return 'credited';
      await backoff(attempt);
    }
    throw new Error(`credit ${credit.creditId}: the account stayed busy`);
  }

  async startRefunds(
    tenantId: string,
    requestId: string,
    allocations: readonly RefundAllocation[],
    at: string,
    by: string,
    accountVersion: number,
  ): Promise<RefundRecord[] | 'duplicate' | 'conflict'> {
    const requestKey = { pk: `ACCT#${tenantId}`, sk: `REFUNDREQ#${requestId}` };
    if (await getItem(requestKey)) return 'duplicate';
    const refunds: RefundRecord[] = allocations.map((a, i) => ({
      refundId: `R${createHash('sha256').update(`${tenantId}#${requestId}#${i}`).digest('hex').slice(0, 24)}`,
      tenantId,
      orderId: a.orderId,
      channel: a.channel,
      amount: a.amount,
      status: 'pending',
      requestedAt: at,
      requestedBy: by,
    }));
    const entries: LedgerEntryInput[] = refunds.map((r) => ({
      tenantId,
      key: `refund#${r.refundId}`,
      kind: 'refund',
      amount: -r.amount,
      at,
      description: `refund to ${r.channel} of payment ${r.orderId}`,
      meta: { refundId: r.refundId, orderId: r.orderId, by, requestId },
    }));
    const stored = await this.readAccountAt(tenantId, at);
    // The refundable total was decided at `accountVersion`: a charge or fee since may have spent it.
    if (stored.account.version !== accountVersion) return 'conflict';
    const { actions, outbox } = await this.accountActions(stored, entries, at);
    actions.push({
      Put: {
        TableName: this.table,
        Item: { ...requestKey, type: 'refund_request', refundIds: refunds.map((r) => r.refundId), at, by },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    for (const r of refunds) {
      // DynamoDB conditions have no arithmetic: the remainder is checked on a consistent read, and the
      // write holds only if the order is still that version.
      const current = await this.order(r.orderId);
      if (!current || current.tenantId !== tenantId || refundableRemainder(current) < r.amount)
        return 'conflict';
      actions.push(
        {
          Put: {
            TableName: this.table,
            // On the pending index until its result settles it (the retry job reads it).
            Item: {
              ...refundKey(r.refundId),
              type: 'refund',
              ...r,
              gsi1pk: PENDING_REFUNDS,
              gsi1sk: `${r.requestedAt}#${r.refundId}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: orderKey(r.orderId),
            UpdateExpression: 'SET refundPending = refundPending + :a, version = version + :one',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':a': r.amount, ':one': 1, ':v': current.version },
          },
        },
      );
    }
    if (await this.commit(actions, outbox)) return refunds;
    return (await getItem(requestKey)) ? 'duplicate' : 'conflict';
  }

  async recordProviderRefund(
    order: PaymentOrder,
    refund: { readonly refundId: string; readonly amount: number; readonly at: string },
  ): Promise<'recorded' | 'duplicate' | 'not_refundable'> {
    const record: RefundRecord = {
      refundId: refund.refundId,
      tenantId: order.tenantId,
      orderId: order.orderId,
      channel: order.channel,
      amount: refund.amount,
      status: 'succeeded',
      requestedAt: refund.at,
      requestedBy: 'provider',
    };
    const entry: LedgerEntryInput = {
      tenantId: order.tenantId,
      key: `refund#provider#${order.channel}#${refund.refundId}`,
      kind: 'refund',
      amount: -refund.amount,
      at: refund.at,
      description: `refund made at ${order.channel} of payment ${order.orderId}`,
      meta: { refundId: refund.refundId, orderId: order.orderId, by: 'provider' },
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await getItem(refundKey(refund.refundId))) return 'duplicate';
      const current = await this.order(order.orderId);
      if (!current || refundableRemainder(current) < refund.amount) return 'not_refundable';
      const refunded = current.refunded + refund.amount;
      const stored = await this.readAccountAt(order.tenantId, refund.at);
      const { actions, outbox } = await this.accountActions(stored, [entry], refund.at);
      actions.push(
        {
          Put: {
            TableName: this.table,
            Item: {
              ...refundKey(refund.refundId),
              type: 'refund',
              ...record,
              settledAt: refund.at,
              settledBy: { by: 'provider', reason: 'refund made at the provider, verified notification' },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: orderKey(order.orderId),
            UpdateExpression: 'SET refunded = :r, #s = :s, version = version + :one',
            ConditionExpression: 'version = :v',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':r': refunded,
              ':s': statusAfterRefund(current, refunded),
              ':one': 1,
              ':v': current.version,
            },
          },
        },
      );
      if (await this.commit(actions, outbox)) return 'recorded';
      await backoff(attempt);
    }
    throw new Error(`provider refund ${refund.refundId}: the account stayed busy`);
  }

  async settleRefund(
    refund: RefundRecord,
    succeeded: boolean,
    at: string,
    by?: { readonly by: string; readonly reason: string; readonly proposedBy?: string },
  ): Promise<'settled' | 'duplicate'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.refund(refund.refundId);
      if (current?.status !== 'pending') return 'duplicate';
      const order = await this.order(refund.orderId);
      if (!order) throw new Error(`order ${refund.orderId} of refund ${refund.refundId} is missing`);
      const actions: TransactItem[] = [];
      let outbox: Notification[] = [];
      if (succeeded) {
        const refunded = order.refunded + refund.amount;
        actions.push({
          Update: {
            TableName: this.table,
            Key: orderKey(order.orderId),
            UpdateExpression:
              'SET refunded = :r, refundPending = refundPending - :a, #s = :s, version = version + :one',
            ConditionExpression: 'version = :v',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':r': refunded,
              ':a': refund.amount,
              ':s': statusAfterRefund(order, refunded),
              ':one': 1,
              ':v': order.version,
            },
          },
        });
      } else {
        // The provider did not pay it out: the money goes back to the balance, the order's remainder is free again.
        const stored = await this.readAccountAt(refund.tenantId, at);
        const reversal = await this.accountActions(
          stored,
          [
            {
              tenantId: refund.tenantId,
              key: `refund_reversal#${refund.refundId}`,
              kind: 'refund',
              amount: refund.amount,
              at,
              description: `refund ${refund.refundId} failed at ${refund.channel}: returned to the balance`,
              meta: { refundId: refund.refundId, orderId: refund.orderId },
            },
          ],
          at,
        );
        outbox = reversal.outbox;
        actions.push(...reversal.actions, {
          Update: {
            TableName: this.table,
            Key: orderKey(order.orderId),
            UpdateExpression: 'SET refundPending = refundPending - :a, version = version + :one',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':a': refund.amount, ':one': 1, ':v': order.version },
          },
        });
      }
      actions.push({
        Update: {
          TableName: this.table,
          Key: refundKey(refund.refundId),
          UpdateExpression: 'SET #s = :s, settledAt = :at, settledBy = :by REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': succeeded ? 'succeeded' : 'failed',
            ':at': at,
            ':pending': 'pending',
            // The provider's signed result, or the operator who recorded the bank's and why.
            ':by': by ?? { by: 'provider', reason: 'verified notification' },
          },
        },
      });
      if (await this.commit(actions, outbox)) return 'settled';
      await backoff(attempt);
    }
    throw new Error(`refund ${refund.refundId}: the order stayed busy`);
  }

  async proposeRefundFailure(
    refundId: string,
    proposal: RefundFailureProposal,
  ): Promise<'proposed' | 'already_proposed' | 'not_pending'> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: this.table,
          Key: refundKey(refundId),
          UpdateExpression: 'SET failureProposal = :p',
          ConditionExpression: '#s = :pending AND attribute_not_exists(failureProposal)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':p': proposal, ':pending': 'pending' },
        }),
      );
      return 'proposed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.refund(refundId);
      return current?.status === 'pending' ? 'already_proposed' : 'not_pending';
    }
  }
}

function refundFromItem(item: Item): RefundRecord {
  return {
    refundId: String(item.refundId),
    tenantId: String(item.tenantId),
    orderId: String(item.orderId),
    channel: item.channel as RefundRecord['channel'],
    amount: Number(item.amount),
    status: item.status as RefundRecord['status'],
    requestedAt: String(item.requestedAt),
    requestedBy: String(item.requestedBy),
    ...(item.failureProposal ? { failureProposal: item.failureProposal as RefundFailureProposal } : {}),
  };
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));
