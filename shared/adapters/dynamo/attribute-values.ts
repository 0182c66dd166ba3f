/**
 * The hot write paths (contact-record ingest, monthly billing) send TransactWriteItems with items built
 * directly as DynamoDB AttributeValues: lib-dynamodb's generic marshalling of thousands of items per batch
 * was the biggest share of ingest CPU. They are sent through ./wire.ts (direct JSON protocol; the SDK
 * client instead when a test injected one, so its middleware still sees every write).
 */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { TransactItem } from './account-store.js';
import { type Attributes, toAttributes } from './fast-attributes.js';
import { transactWriteWire } from './wire.js';

export type { Attributes };

/** A plain item as AttributeValues, with the options the document client uses (shared/adapters/dynamo/client.ts). */
export const attributes = toAttributes;

/** A document-client transaction action (plain values) as a low-level one. */
export function lowLevelAction(action: TransactItem | TransactWriteItem): TransactWriteItem {
  const a = action as TransactItem;
  if (a.Put && !isMarshalled(a.Put.Item)) {
    return {
      Put: {
        ...a.Put,
        Item: attributes(a.Put.Item ?? {}),
        ExpressionAttributeValues: values(a.Put.ExpressionAttributeValues),
      },
    } as TransactWriteItem;
  }
  if (a.Update && !isMarshalled(a.Update.Key))
    return {
      Update: {
        ...a.Update,
        Key: attributes(a.Update.Key ?? {}),
        ExpressionAttributeValues: values(a.Update.ExpressionAttributeValues),
      },
    } as TransactWriteItem;
  if (a.ConditionCheck && !isMarshalled(a.ConditionCheck.Key))
    return {
      ConditionCheck: {
        ...a.ConditionCheck,
        Key: attributes(a.ConditionCheck.Key ?? {}),
        ExpressionAttributeValues: values(a.ConditionCheck.ExpressionAttributeValues),
      },
    } as TransactWriteItem;
  if (a.Delete && !isMarshalled(a.Delete.Key))
    return {
      Delete: {
        ...a.Delete,
        Key: attributes(a.Delete.Key ?? {}),
        ExpressionAttributeValues: values(a.Delete.ExpressionAttributeValues),
      },
    } as TransactWriteItem;
  return action as TransactWriteItem;
}

const values = (v: Record<string, unknown> | undefined) => (v ? attributes(v) : undefined);

/** Low-level items are recognised by their key: `pk` is always a string, so `{ S: … }` means marshalled. */
function isMarshalled(item: Record<string, unknown> | undefined): boolean {
  const pk = item?.pk;
  return typeof pk === 'object' && pk !== null && typeof (pk as AttributeValue).S === 'string';
}

/** TransactWriteItems with low-level actions (./wire.ts: direct JSON in Lambda, else the process's client). */
export async function transactWrite(items: readonly TransactWriteItem[]): Promise<void> {
  await transactWriteWire(items);
}

/** The string in an attribute of either form (plain or marshalled); for middleware that inspects writes. */
export function stringAttribute(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as AttributeValue).S === 'string')
    return (value as { S: string }).S;
  return undefined;
}
