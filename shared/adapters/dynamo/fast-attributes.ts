/**
 * Plain values ⇄ DynamoDB AttributeValues for the hot paths, with exactly @aws-sdk/util-dynamodb's results
 * (`marshall` with removeUndefinedValues, `unmarshall` without wrapNumbers; a property test holds them
 * equal). The library checks every value against a dozen binary and boxed types first, which made it the
 * largest share of billing CPU; here strings, numbers, booleans, null, lists and plain maps take a direct
 * path and anything else (sets, binary, bigint, NumberValue, numbers beyond 2^53) is handed to the library.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr, convertToNative } from '@aws-sdk/util-dynamodb';

export type Attributes = Record<string, AttributeValue>;

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false } as const;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function toAttributeValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      if (Number.isFinite(value) && value <= Number.MAX_SAFE_INTEGER && value >= Number.MIN_SAFE_INTEGER)
        return { N: String(value) };
      break;
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        const list: AttributeValue[] = [];
        for (const entry of value)
          if (entry !== undefined && typeof entry !== 'function') list.push(toAttributeValue(entry));
        return { L: list };
      }
      if (isPlainObject(value)) return { M: toAttributes(value as Record<string, unknown>) };
      break;
  }
  return convertToAttr(value, MARSHALL_OPTIONS) as AttributeValue;
}

/** A plain item as AttributeValues (undefined attributes dropped, empty strings kept). */
export function toAttributes(item: Readonly<Record<string, unknown>>): Attributes {
  const out: Attributes = {};
  for (const key in item) {
    const value = item[key];
    if (value !== undefined && typeof value !== 'function') out[key] = toAttributeValue(value);
  }
  return out;
}

export function fromAttributeValue(value: AttributeValue): unknown {
  const v = value as unknown as Record<string, unknown>;
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) {
    const n = Number(v.N);
    if (n <= Number.MAX_SAFE_INTEGER && n >= Number.MIN_SAFE_INTEGER) return n;
    return convertToNative(value as never);
  }
  if (v.BOOL !== undefined) return Boolean(v.BOOL);
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return fromAttributes(v.M as Attributes);
  if (v.L !== undefined) return (v.L as AttributeValue[]).map(fromAttributeValue);
  return convertToNative(value as never);
}

/** An item read in the wire shape as plain values. */
export function fromAttributes(item: Readonly<Attributes>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in item) out[key] = fromAttributeValue(item[key] as AttributeValue);
  return out;
}
