/**
 * The DynamoDB calls the billing stores share, on the document client: every page of a query or scan, one
 * cursor page for the API's lists, and BatchGetItem / BatchWriteItem in their size limits with what
 * DynamoDB leaves unprocessed retried.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Page } from '../../ports/paging.js';
import { dynamo } from './client.js';

export type Item = Record<string, unknown>;
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

/** Every item a query matches, all pages read. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: dynamo() }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Scan pages as they come (1 MB each), so a caller never holds more than it chooses to. */
export async function* scanPages(input: ScanCommandInput): AsyncGenerator<Item[]> {
  for await (const page of paginateScan({ client: dynamo() }, input)) yield page.Items ?? [];
}

/**
 * One page of a partition for an API list. The cursor is the opaque LastEvaluatedKey; on the way back in
 * it must name the same partition (`partitionKey` = its value), so a forged cursor is a 400.
 */
export async function queryPage(
  input: QueryCommandInput,
  page: { partitionKey: string; partition: string; limit: number; cursor?: string | undefined },
): Promise<Page<Item>> {
  const start = decodeCursor(page.cursor, (key) => key[page.partitionKey] === page.partition);
  const out = await dynamo().send(
    new QueryCommand({ ...input, Limit: page.limit, ExclusiveStartKey: start }),
  );
  const nextCursor = encodeCursor(out.LastEvaluatedKey as Record<string, string> | undefined);
  return { items: out.Items ?? [], ...(nextCursor ? { nextCursor } : {}) };
}

/** BatchGetItem over any number of keys of one table, by `${pk}|${sk}`. */
export async function batchGetItems(
  table: string,
  keys: readonly ItemKey[],
  consistent = true,
): Promise<Map<string, Item>> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const found = new Map<string, Item>();
  for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH_GET_KEYS);
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchGet on ${table} left keys unprocessed`);
      if (round > 0) await backOff(round);
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

/** BatchWriteItem puts in 25s (no conditions: the items overwrite). */
export async function batchPutItems(table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) {
    let pending = items.slice(i, i + BATCH_WRITE_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchWrite on ${table} left items unprocessed`);
      if (round > 0) await backOff(round);
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
      );
    }
  }
}

/** Jittered exponential pause before re-sending what DynamoDB left unprocessed. */
const backOff = (round: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** round) * (0.5 + Math.random() / 2)));

export const isConditionFailure = (error: unknown) =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
