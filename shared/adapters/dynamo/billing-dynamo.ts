/**
 * What the billing stores share: DynamoDB's paging, batches and transactions come from ./paging.ts (one
 * implementation for every store); billing adds only its condition check and number readers.
 */
export {
  batchGetItems,
  batchPutItems,
  type Item,
  type ItemKey,
  queryAll,
  queryPage,
  scanPages,
} from './paging.js';

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
