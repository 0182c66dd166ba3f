/**
 * DynamoDB's paging and limits, stated once: one cursor page of a partition for the API's lists, every
 * page of a query or scan, and packing per-account groups of actions into TransactWriteItems of at most
 * 100 actions. Inputs are written as for lib-dynamodb (plain values); they travel through ./wire.ts,
 * since billing and statements read ledger entries by the hundred thousand.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../../ports/paging.js';
import { type Attributes, fromAttributes, toAttributes } from './fast-attributes.js';
import { dynamoWire } from './wire.js';

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
  const out = await readPage('Query', { ...input, Limit: page.limit, ExclusiveStartKey: start });
  const nextCursor = encodeCursor(out.lastKey as Record<string, string> | undefined);
  return { items: out.items as T[], ...(nextCursor ? { nextCursor } : {}) };
}

type PagedInput = QueryCommandInput | ScanCommandInput;

interface WirePage {
  Items?: Attributes[];
  LastEvaluatedKey?: Attributes;
}

// Module-level, not a closure per page: V8 recompiles a dead closure after each full GC.
const plainItem = (item: Record<string, AttributeValue>) => fromAttributes(item);

/** One Query or Scan request: plain values out, plain items and last key back. */
async function readPage(
  operation: 'Query' | 'Scan',
  input: PagedInput,
): Promise<{ items: Item[]; lastKey: Item | undefined }> {
  const { ExpressionAttributeValues: values, ExclusiveStartKey: start, ...rest } = input;
  const request: Record<string, unknown> = { ...rest };
  if (values) request.ExpressionAttributeValues = toAttributes(values);
  if (start) request.ExclusiveStartKey = toAttributes(start);
  const out = await dynamoWire().call<WirePage>(operation, request);
  return {
    items: (out.Items ?? []).map(plainItem),
    lastKey: out.LastEvaluatedKey
      ? fromAttributes(out.LastEvaluatedKey as Record<string, AttributeValue>)
      : undefined,
  };
}

async function* pages(operation: 'Query' | 'Scan', input: PagedInput): AsyncGenerator<Item[]> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await readPage(operation, { ...input, ExclusiveStartKey: start });
    yield page.items;
    start = page.lastKey;
  } while (start);
}

/** Query pages as they come, so a caller can act on each before reading the next. */
export function queryPages(input: QueryCommandInput): AsyncGenerator<Item[]> {
  return pages('Query', input);
}

/** The first page of a query (its `Limit` items at most): for sweeps that take what is there now. */
export async function queryFirstPage(input: QueryCommandInput): Promise<Item[]> {
  return (await readPage('Query', input)).items;
}

/** Every item a query matches, all pages read. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(input)) items.push(...page);
  return items;
}

/** Scan pages as they come (1 MB each), so a caller never holds more than it chooses to. */
export function scanPages(input: ScanCommandInput): AsyncGenerator<Item[]> {
  return pages('Scan', input);
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
