/** Small DynamoDB helpers for the billing adapters: paged queries and batched reads/writes with retries. */
import { attributes } from './attribute-values.js';
import { batchPutWire } from './wire.js';

export type Item = Record<string, unknown>;
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export { queryAll, scanPages } from './paging.js';

export { batchGetItems } from './wire.js';

/** BatchWriteItem in 25s; items go as AttributeValues built directly (statements are large and many). */
export async function batchPutItems(table: string, items: readonly Item[]): Promise<void> {
  await batchPutWire(
    table,
    items.map((item) => attributes(item)),
  );
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
