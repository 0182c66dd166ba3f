/**
 * The two reads the routing Lambda makes, behind a small interface: by default DynamoDB's JSON protocol
 * spoken directly (./json-rpc.ts, no SDK on the cold-start path); the SDK document client when the
 * environment holds no credentials (containers, IMDS) or when tests want the SDK's middleware.
 */

import { type Attributes, fromAttributes, toAttributes } from './fast-attributes.js';
import { sdkItemReadsFromEnv } from './item-reads-sdk.js';
import { credentialsFromEnv, DynamoRpc } from './json-rpc.js';

export type ItemKey = Record<string, string>;
export type PlainItem = Record<string, unknown>;
export type BatchGetRequest = Record<string, { Keys: ItemKey[] }>;

export interface BatchGetResult {
  readonly responses: Record<string, PlainItem[]>;
  /** Keys DynamoDB did not get to; empty when all were read. */
  readonly unprocessed: BatchGetRequest;
}

export interface ItemReads {
  get(table: string, key: ItemKey, signal: AbortSignal): Promise<PlainItem | undefined>;
  batchGet(request: BatchGetRequest, signal: AbortSignal): Promise<BatchGetResult>;
}

/** An item or key in DynamoDB's wire shape (AttributeValue maps). */
type Wire = Attributes;

/** Reads through the direct JSON-protocol client (consistent with the SDK: eventually consistent reads). */
export function rpcItemReads(rpc: DynamoRpc): ItemReads {
  return {
    async get(table, key, signal) {
      const out = await rpc.call<{ Item?: Wire }>(
        'GetItem',
        { TableName: table, Key: toAttributes(key) },
        signal,
      );
      return out.Item ? fromAttributes(out.Item) : undefined;
    },
    async batchGet(request, signal) {
      const wire: Record<string, { Keys: Wire[] }> = {};
      for (const [table, { Keys }] of Object.entries(request))
        wire[table] = { Keys: Keys.map((k) => toAttributes(k)) };
      const out = await rpc.call<{
        Responses?: Record<string, Wire[]>;
        UnprocessedKeys?: Record<string, { Keys: Wire[] }>;
      }>('BatchGetItem', { RequestItems: wire }, signal);
      const responses: Record<string, PlainItem[]> = {};
      for (const [table, items] of Object.entries(out.Responses ?? {})) {
        responses[table] = items.map((item) => fromAttributes(item));
      }
      const unprocessed: BatchGetRequest = {};
      for (const [table, { Keys }] of Object.entries(out.UnprocessedKeys ?? {})) {
        if (Keys.length > 0) unprocessed[table] = { Keys: Keys.map((k) => fromAttributes(k) as ItemKey) };
      }
      return { responses, unprocessed };
    },
  };
}

/**
 * The reads the environment allows: direct with Lambda's environment credentials, else the SDK (loaded
 * only then, so its import never weighs on the direct path's cold start).
 */
export function itemReadsFromEnv(env: NodeJS.ProcessEnv = process.env): ItemReads {
  // Chosen on first use, so the environment (endpoint, credentials) is read when it is complete.
  let chosen: Promise<ItemReads> | undefined;
  const load = () => {
    chosen ??= chooseReads(env);
    return chosen;
  };
  return {
    get: async (table, key, signal) => (await load()).get(table, key, signal),
    batchGet: async (request, signal) => (await load()).batchGet(request, signal),
  };
}

async function chooseReads(env: NodeJS.ProcessEnv): Promise<ItemReads> {
  const credentials = credentialsFromEnv(env);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (credentials && region) {
    return rpcItemReads(new DynamoRpc({ region, credentials: () => credentialsFromEnv(env) ?? credentials }));
  }
  return sdkItemReadsFromEnv();
}
