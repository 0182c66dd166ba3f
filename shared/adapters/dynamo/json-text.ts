/**
 * JSON text for request bodies built on the per-record paths (call items: ./call-ingest.ts).
 *
 * Why not JSON.stringify of AttributeValue objects: a caller region (广东省深圳市) makes V8's output a
 * two-byte string, and the whole transaction body with it; encoding that to UTF-8 cost ~7 µs per call
 * item on Node 20, against ~1 µs for a one-byte body. Escaping the few repeated non-ASCII values as \uXXXX
 * keeps the body one-byte (DynamoDB stores the same characters), and writing the text directly also
 * skips ~35 attribute objects per item.
 */

/** A JSON string literal: exactly JSON.stringify's, so every string round-trips. */
export const jsonString = JSON.stringify as (value: string) => string;

const asciiLiterals = new Map<string, string>();
const NON_ASCII = /[^\x20-\x7e]/;

/**
 * The JSON string literal of `value` with every character outside printable ASCII escaped, memoised: for
 * values drawn from a small set (caller regions; ~1,350 in the geo index), never for unique ones.
 */
export function asciiJsonString(value: string): string {
  const known = asciiLiterals.get(value);
  if (known !== undefined) return known;
  let literal = JSON.stringify(value);
  if (NON_ASCII.test(literal)) {
    literal = '';
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      literal +=
        code >= 0x20 && code < 0x7f
          ? code === 0x22 || code === 0x5c
            ? `\\${value[i]}`
            : value[i]
          : `\\u${code.toString(16).padStart(4, '0')}`;
    }
    literal = `"${literal}"`;
  }
  if (asciiLiterals.size >= 4096) asciiLiterals.clear();
  asciiLiterals.set(value, literal);
  return literal;
}

/** A transaction action already written as JSON text (`{"Put":{…}}`), sent as it is. */
export class JsonAction {
  constructor(readonly json: string) {}
}
