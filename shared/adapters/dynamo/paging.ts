/**
 * DynamoDB's limits, stated once: reading every page of a query or scan (through lib-dynamodb's own
 * paginators), and packing per-account groups of actions into TransactWriteItems of at most 100 actions.
 */
import {
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './client.js';

export type Item = Record<string, unknown>;

/** TransactWriteItems takes at most 100 actions. */
export const MAX_TRANSACT_ACTIONS = 100;

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
