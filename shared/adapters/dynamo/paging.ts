/**
 * DynamoDB's paging and limits, stated once, on the document client (`dynamo()`): one cursor page of a
 * partition for the API's lists, every page of a query or scan, BatchGetItem (100 keys) and BatchWriteItem
 * (25 puts) with their unprocessed leftovers retried, and packing per-account groups of actions into
 * TransactWriteItems of at most 100 actions.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../../ports/paging.js';
import { dynamo } from './client.js';

export type Item = Record<string, unknown>;

/** TransactWriteItems takes at most 100 actions. */
export const MAX_TRANSACT_ACTIONS = 100;

/**
 * One page of a partition for an API list. The cursor is the opaque LastEvaluatedKey; on the way back in
 * it must name the same partition (`partitionKey` = its value), so a forged cursor is a 400, never a
 * foreign page. The input carries the key condition for that partition (`:pk`).
 */
export async function queryPage<T = Item>(
  input: QueryCommandInput,
  page: {
    readonly partitionKey: string;
    readonly partition: string;
    readonly limit: number;
    readonly cursor?: string;
  },
): Promise<{ items: T[]; nextCursor?: string }> {
  const start = decodeCursor(page.cursor, (key) => key[page.partitionKey] === page.partition);
  const out = await dynamo().send(
    new QueryCommand({ ...input, Limit: page.limit, ExclusiveStartKey: start }),
  );
  const nextCursor = encodeCursor(out.LastEvaluatedKey as Record<string, string> | undefined);
  return { items: (out.Items ?? []) as T[], ...(nextCursor ? { nextCursor } : {}) };
}

async function* pages(
  send: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>,
  first: Item | undefined,
): AsyncGenerator<Item[]> {
  let start = first;
  do {
    const page = await send(start);
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Query pages as they come, so a caller can act on each before reading the next. */
export function queryPages(input: QueryCommandInput): AsyncGenerator<Item[]> {
  return pages(
    (start) => dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: start })),
    input.ExclusiveStartKey,
  );
}

/** The first page of a query (its `Limit` items at most): for sweeps that take what is there now. */
export async function queryFirstPage(input: QueryCommandInput): Promise<Item[]> {
  return (await dynamo().send(new QueryCommand(input))).Items ?? [];
}

/** Every item a query matches, all pages read. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(input)) items.push(...page);
  return items;
}

/** Scan pages as they come (1 MB each), so a caller never holds more than it chooses to. */
export function scanPages(input: ScanCommandInput): AsyncGenerator<Item[]> {
  return pages(
    (start) => dynamo().send(new ScanCommand({ ...input, ExclusiveStartKey: start })),
    input.ExclusiveStartKey,
  );
}

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Exponential backoff with jitter before retrying what a batch left unprocessed. */
const pause = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random() / 2)),
  );

/**
 * BatchGetItem over any number of keys of one table (chunks of 100, unprocessed keys retried with
 * backoff). The items found, by `${pk}|${sk}`.
 */
export async function batchGetItems(
  table: string,
  keys: readonly ItemKey[],
  consistent = true,
): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Item[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchGet on ${table} left keys unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

/** BatchWriteItem puts in 25s; unprocessed ones retried with backoff. */
export async function batchPutItems(table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchWrite on ${table} left items unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
}

/**
 * Packs groups of actions that must commit together (one account's writes) into as few transactions as
 * the action limit allows, keeping each group whole and the groups in order.
 */
export function packTransactions<T>(
  groups: readonly T[],
  sizeOf: (group: T) => number,
  maxActions = MAX_TRANSACT_ACTIONS,
): T[][] {
  const transactions: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const group of groups) {
    const groupSize = sizeOf(group);
    if (size + groupSize > maxActions && current.length > 0) {
      transactions.push(current);
      current = [];
      size = 0;
    }
    current.push(group);
    size += groupSize;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}

/**
 * Writes a new version of a versioned record: its version row (written once, never overwritten) and its
 * head, which must still be at `previousVersion` (0: no head yet), in one transaction, so a crash never
 * leaves a version the head does not name. False when another writer got there first.
 */
export async function putVersioned(
  table: string,
  versionRow: Item,
  head: Item,
  previousVersion: number,
): Promise<boolean> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: versionRow, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: head,
              ...(previousVersion === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :previous',
                    ExpressionAttributeValues: { ':previous': previousVersion },
                  }),
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    if (name === 'TransactionCanceledException' || name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
