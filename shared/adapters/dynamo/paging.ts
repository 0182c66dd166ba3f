/**
 * DynamoDB's paging and limits, stated once: one cursor page of a partition for the API's lists, every
 * page of a query or scan (through lib-dynamodb's own paginators), and packing per-account groups of
 * actions into TransactWriteItems of at most 100 actions.
 */
import {
  paginateQuery,
  paginateScan,
  QueryCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
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
    new QueryCommand({ ...input, Limit: page.limit, ...(start ? { ExclusiveStartKey: start } : {}) }),
  );
  const nextCursor = encodeCursor(out.LastEvaluatedKey as Record<string, string> | undefined);
  return { items: (out.Items ?? []) as T[], ...(nextCursor ? { nextCursor } : {}) };
}

/** Query pages as they come, so a caller can act on each before reading the next. */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<Item[]> {
  for await (const page of paginateQuery({ client: dynamo() }, input)) yield (page.Items ?? []) as Item[];
}

/** Every item a query matches, all pages read. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(input)) items.push(...page);
  return items;
}

/** Scan pages as they come (1 MB each), so a caller never holds more than it chooses to. */
export async function* scanPages(input: ScanCommandInput): AsyncGenerator<Item[]> {
  for await (const page of paginateScan({ client: dynamo() }, input)) yield (page.Items ?? []) as Item[];
}

/**
 * Packs groups of actions that must commit together (one account's writes) into as few transactions as
 * the action limit allows, keeping each group whole and the groups in order.
 */
export function packTransactions<T extends { readonly actions: readonly unknown[] }>(
  groups: readonly T[],
  maxActions = MAX_TRANSACT_ACTIONS,
): T[][] {
  const transactions: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const group of groups) {
    if (size + group.actions.length > maxActions && current.length > 0) {
      transactions.push(current);
      current = [];
      size = 0;
    }
    current.push(group);
    size += group.actions.length;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}
