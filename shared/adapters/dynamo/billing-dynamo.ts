/** Small DynamoDB helpers for the billing adapters: paged queries and batched reads/writes with retries. */
export type Item = Record<string, unknown>;
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export { batchGetItems, batchPutItems, queryAll, scanPages } from './paging.js';

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
