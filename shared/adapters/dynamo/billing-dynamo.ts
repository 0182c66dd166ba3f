/** Small DynamoDB helpers for the billing adapters: paged queries and batched reads/writes with retries. */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { attributes } from './attribute-values.js';
import { dynamo } from './client.js';

export type Item = Record<string, unknown>;
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** attempt)));

export { queryAll, scanPages } from './paging.js';

export async function batchGetItems(table: string, keys: readonly ItemKey[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: ItemKey[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchGet on ${table} left keys unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = (out.UnprocessedKeys?.[table]?.Keys as ItemKey[] | undefined) ?? [];
    }
  }
  return found;
}

/** BatchWriteItem in 25s; items go as AttributeValues built directly (statements are large and many). */
export async function batchPutItems(table: string, items: readonly Item[]): Promise<void> {
  const client = dynamo() as unknown as DynamoDBClient;
  for (let i = 0; i < items.length; i += 25) {
    let pending: WriteRequest[] = items
      .slice(i, i + 25)
      .map((item) => ({ PutRequest: { Item: attributes(item) } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchWrite on ${table} left items unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
