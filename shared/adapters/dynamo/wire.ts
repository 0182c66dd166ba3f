/**
 * The hot write and read paths (contact-record ingest, the ledger, monthly billing) build their requests in
 * DynamoDB's wire shape (AttributeValue maps) and send them here. In Lambda, and locally, that is the
 * direct JSON-protocol client (./json-rpc.ts): JSON.stringify of a ready request instead of the SDK's
 * schema-driven serializer, which was the largest share of ingest and billing CPU. When the environment
 * has no credentials for it, or a test has injected its own client (setDynamo: fault injection, request
 * counting), the same requests go through the SDK's low-level commands on that client instead.
 * Inputs must be JSON-safe (no binary attributes): the hot paths write strings, numbers and booleans only.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamo, dynamoInjected } from './client.js';
import { fromAttributes } from './fast-attributes.js';
import { credentialsFromEnv, DynamoRpc } from './json-rpc.js';

export type WireOperation = 'TransactWriteItems' | 'BatchGetItem' | 'BatchWriteItem' | 'Query' | 'Scan';

export interface DynamoWire {
  call<T>(operation: WireOperation, input: Record<string, unknown>): Promise<T>;
}

const SDK_COMMANDS = {
  TransactWriteItems: TransactWriteItemsCommand,
  BatchGetItem: BatchGetItemCommand,
  BatchWriteItem: BatchWriteItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
} as const;

/** The same operations through the SDK client the process uses (middleware and tests see them). */
const sdkWire: DynamoWire = {
  async call<T>(operation: WireOperation, input: Record<string, unknown>): Promise<T> {
    const Command = SDK_COMMANDS[operation] as unknown as new (input: unknown) => TransactWriteItemsCommand;
    const client = dynamo() as unknown as DynamoDBClient;
    return (await client.send(new Command(input))) as T;
  },
};

let direct: { rpc: DynamoRpc; endpoint: string | undefined } | undefined;

function directWire(): DynamoRpc | undefined {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const credentials = credentialsFromEnv();
  if (!region || !credentials) return undefined;
  // Tests start engines on new ports; the endpoint is re-read so a stale connection pool is never used.
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
  if (!direct || direct.endpoint !== endpoint) {
    direct?.rpc.destroy();
    direct = {
      rpc: new DynamoRpc({
        region,
        endpoint,
        credentials: () => credentialsFromEnv() ?? credentials,
        // The SDK client's setting for these paths (client.ts): more patience than the routing reads.
        maxAttempts: 4,
      }),
      endpoint,
    };
  }
  return direct.rpc;
}

export function dynamoWire(): DynamoWire {
  if (dynamoInjected()) return sdkWire;
  return directWire() ?? sdkWire;
}

export type WireKey = { pk: string; sk: string };

// Module-level callbacks, not closures per call: V8 recompiles a dead closure after each full GC.
const keyAttributes = (k: WireKey) => ({ pk: { S: k.pk }, sk: { S: k.sk } });
const putRequest = (Item: Record<string, AttributeValue>) => ({ PutRequest: { Item } });

/** BatchGetItem over any number of keys of one table (chunks of 100, unprocessed keys retried with backoff). */
export async function batchGetItems(
  table: string,
  keys: readonly WireKey[],
  consistent = true,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const byId = new Map<string, WireKey>();
  for (const k of keys) byId.set(`${k.pk}|${k.sk}`, k);
  const unique = [...byId.values()];
  const wire = dynamoWire();
  for (let i = 0; i < unique.length; i += 100) {
    let pending: unknown[] = unique.slice(i, i + 100).map(keyAttributes);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchGet on ${table} left keys unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await wire.call<{
        Responses?: Record<string, Record<string, AttributeValue>[]>;
        UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
      }>('BatchGetItem', { RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } });
      for (const raw of out.Responses?.[table] ?? []) {
        const item = fromAttributes(raw);
        found.set(`${item.pk}|${item.sk}`, item);
      }
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

/** BatchWriteItem puts in 25s, items already in the wire shape; unprocessed ones retried with backoff. */
export async function batchPutWire(
  table: string,
  items: readonly Record<string, AttributeValue>[],
): Promise<void> {
  const wire = dynamoWire();
  for (let i = 0; i < items.length; i += 25) {
    let pending: unknown[] = items.slice(i, i + 25).map(putRequest);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchWrite on ${table} left items unprocessed`);
      if (attempt > 0) await pause(attempt);
      const out = await wire.call<{ UnprocessedItems?: Record<string, unknown[]> }>('BatchWriteItem', {
        RequestItems: { [table]: pending },
      });
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  }
}

/** TransactWriteItems with actions in the wire shape. */
export async function transactWriteWire(items: readonly TransactWriteItem[]): Promise<void> {
  await dynamoWire().call('TransactWriteItems', { TransactItems: items });
}

/**
 * TransactWriteItems with the whole input already written as JSON text (./json-text.ts), including its
 * ClientRequestToken (one for every attempt, as the SDK's idempotency-token trait does).
 */
export async function transactWriteJson(input: string): Promise<void> {
  const rpc = dynamoInjected() ? undefined : directWire();
  // The SDK (and any middleware a test added) sees plain objects, as for every other request.
  if (!rpc) await sdkWire.call('TransactWriteItems', JSON.parse(input) as Record<string, unknown>);
  else await rpc.callJson('TransactWriteItems', input);
}

const pause = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random() / 2)),
  );
