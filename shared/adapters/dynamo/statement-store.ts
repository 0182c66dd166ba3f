/**
 * Statements (ledger table ACCT#<tenantId> / STATEMENT#<YYYY-MM>) and the ledger reads they are built
 * from: a tenant's entries by effective instant (gsi1 ACCT#<tenantId> / <at>#<key>). Call records are
 * ledger entries too (type 'call', amount stored as the positive charge), read the way the ledger store
 * lists them.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { BillingMonth } from '../../domain/billing/calendar.js';
import type { LedgerLine, Statement } from '../../domain/billing/statement.js';
import type { Page } from '../../ports/paging.js';
import type {
  BillingLedgerReads,
  PostedCharge,
  StatementKey,
  StatementStore,
  StatementSummary,
  StoredStatement,
} from '../../ports/statements.js';
import { batchGetItems, batchPutItems, type Item, int, queryAll, queryPage, str } from './billing-dynamo.js';
import { dynamo } from './client.js';

const statementKey = (tenantId: string, month: BillingMonth) => ({
  pk: `ACCT#${tenantId}`,
  sk: `STATEMENT#${month}`,
});

export function ledgerLineFromItem(item: Item): LedgerLine | undefined {
  const isCall = item.type === 'call';
  const key = str(item.key) ?? str(item.ledgerKey) ?? (isCall ? `call#${str(item.contactId)}` : undefined);
  const at = str(item.at) ?? str(item.endedAt);
  // A call item is also the call#<ContactId> entry: it posted `ledgerAmount` (a charge, positive); later
  // re-rating moves `amount` but is posted as separate call_adjustment entries.
  const posted = isCall && typeof item.ledgerAmount === 'number' ? item.ledgerAmount : item.amount;
  if (!key || !at || typeof posted !== 'number') return undefined;
  const meta = (typeof item.meta === 'object' && item.meta !== null ? item.meta : {}) as Record<
    string,
    unknown
  >;
  return {
    key,
    kind: str(item.kind) ?? (isCall ? 'call' : 'adjustment'),
    amount: isCall ? -posted : posted,
    at,
    description: str(item.description) ?? (isCall ? `call to ${str(item.number) ?? ''}` : key),
    ...(str(item.number) ? { number: str(item.number) } : {}),
    meta: isCall
      ? {
          ...meta,
          billedSeconds: int(item.billedSeconds),
          includedSecondsUsed: int(item.includedSecondsUsed),
          // The allowance bucket's key says whose included minutes these were (ledger/allowances.ts).
          ...(typeof item.allowanceKey === 'string'
            ? { allowance: item.allowanceKey.includes('#pool#') ? 'pooled' : 'per_number' }
            : {}),
        }
      : meta,
  };
}

/** A tenant's entries effective in [from, to): one paged query on gsi1. */
async function entriesBetween(tenantId: string, from: string, to: string): Promise<LedgerLine[]> {
  const items = await queryAll({
    TableName: tableName('ledger'),
    IndexName: 'gsi1',
    // gsi1sk is "<at>#<key>": every sk of an instant before `to` sorts below `to` itself.
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': `ACCT#${tenantId}`, ':from': from, ':to': to },
  });
  return items.flatMap((i) => ledgerLineFromItem(i) ?? []).filter((l) => l.at >= from && l.at < to);
}

/**
 * A number's charges for a month: the ledger entries keyed `tenant#number#YYYY-MM#…` (rent, fees, the
 * chain of SLA credits), read consistently, since the next SLA credit's key depends on them.
 */
async function monthChargesOf(
  tenantId: string,
  number: string,
  month: BillingMonth,
): Promise<PostedCharge[]> {
  const items = await queryAll({
    TableName: tableName('ledger'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': `ACCT#${tenantId}`,
      ':prefix': `LEDGER#${tenantId}#${number}#${month}#`,
    },
    ProjectionExpression: '#k, amount',
    ExpressionAttributeNames: { '#k': 'key' },
    ConsistentRead: true,
  });
  return items.flatMap((i) =>
    typeof i.key === 'string' && typeof i.amount === 'number' ? [{ key: i.key, amount: i.amount }] : [],
  );
}

/** The sum of a tenant's entries effective before an instant (the opening balance of a first statement). */
async function balanceBefore(tenantId: string, instant: string): Promise<number> {
  const items = await queryAll({
    TableName: tableName('ledger'),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :to',
    ExpressionAttributeValues: { ':pk': `ACCT#${tenantId}`, ':to': instant },
  });
  return items.reduce((sum, i) => sum + (ledgerLineFromItem(i)?.amount ?? 0), 0);
}

function statementItem(statement: Statement, generatedAt: string): Item {
  return {
    ...statementKey(statement.tenantId, statement.month),
    type: 'statement',
    ...statement,
    generatedAt,
  };
}

function statementFromItem(item: Item): StoredStatement {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as StoredStatement;
}

async function readStatements(keys: readonly StatementKey[]): Promise<Map<string, Statement>> {
  const found = await batchGetItems(
    tableName('ledger'),
    keys.map((k) => statementKey(k.tenantId, k.month)),
  );
  const out = new Map<string, Statement>();
  for (const item of found.values()) {
    const s = statementFromItem(item);
    out.set(`${s.tenantId}|${s.month}`, s);
  }
  return out;
}

async function writeStatements(statements: readonly Statement[], generatedAt: string): Promise<void> {
  await batchPutItems(
    tableName('ledger'),
    statements.map((s) => statementItem(s, generatedAt)),
  );
}

async function getStatement(tenantId: string, month: BillingMonth): Promise<StoredStatement | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: statementKey(tenantId, month) }),
  );
  return Item ? statementFromItem(Item) : undefined;
}

async function listStatements(
  tenantId: string,
  limit: number,
  cursor?: string,
): Promise<Page<StatementSummary>> {
  const pk = `ACCT#${tenantId}`;
  const page = await queryPage(
    {
      TableName: tableName('ledger'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': pk, ':s': 'STATEMENT#' },
      ExpressionAttributeNames: { '#m': 'month' },
      ProjectionExpression:
        'pk, sk, #m, openingBalance, closingBalance, totalDebits, totalCredits, generatedAt',
      ScanIndexForward: false,
    },
    { partitionKey: 'pk', partition: pk, limit, cursor },
  );
  return {
    ...page,
    items: page.items.map((i) => ({
      month: String(i.month),
      openingBalance: int(i.openingBalance),
      closingBalance: int(i.closingBalance),
      totalDebits: int(i.totalDebits),
      totalCredits: int(i.totalCredits),
      generatedAt: String(i.generatedAt),
    })),
  };
}

export const dynamoStatements: StatementStore = {
  read: readStatements,
  write: writeStatements,
  get: getStatement,
  list: listStatements,
};

export const dynamoBillingLedgerReads: BillingLedgerReads = { entriesBetween, balanceBefore, monthChargesOf };
