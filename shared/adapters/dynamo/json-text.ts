/**
 * JSON text for request bodies built on the per-record paths (the call items of ./call-ingest.ts).
 *
 * Why not JSON.stringify of AttributeValue objects:
 * - A caller region (广东省深圳市) made V8's output a two-byte string, and the whole transaction body with
 *   it; encoding that to UTF-8 cost ~7 µs per call item on Node 20, against ~1 µs for a one-byte body.
 *   The few repeated non-ASCII values are escaped as \uXXXX instead (DynamoDB stores the same characters).
 * - ~35 attribute objects per item, and a template literal's intermediate strings, were most of ingest's
 *   allocation (~4 KB per record), and allocation is what drives its scavenges. Pieces go into one reused
 *   array and are joined once per request body.
 */

const asciiLiterals = new Map<string, string>();
const NON_ASCII = /[^\x20-\x7e]/;
// A string that needs no escaping inside JSON quotes (printable ASCII other than " and \).
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

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

/**
 * A JSON text written piece by piece and joined once. One writer may be reused: `take()` returns the text
 * and empties it, keeping the array's capacity. Writing is synchronous: nothing may await between the
 * first piece and `take()`.
 */
export class JsonText {
  private readonly parts: string[] = [];
  private count = 0;
  private listItems = 0;

  /** Opens a list (`[`); each `item()` then starts an element, with the separator it needs. */
  openList(): this {
    this.listItems = 0;
    return this.raw('[');
  }

  item(): this {
    if (this.listItems++ > 0) this.raw(',');
    return this;
  }

  /** JSON written by the caller, as it is. */
  raw(text: string): this {
    this.parts[this.count++] = text;
    return this;
  }

  /** A string literal: any string round-trips; plain ASCII ones are not copied. */
  string(value: string): this {
    if (PLAIN.test(value)) {
      this.parts[this.count++] = '"';
      this.parts[this.count++] = value;
      this.parts[this.count++] = '"';
    } else this.parts[this.count++] = JSON.stringify(value);
    return this;
  }

  /** A string literal that stays ASCII (see `asciiJsonString`): for values from a small set. */
  asciiString(value: string): this {
    this.parts[this.count++] = asciiJsonString(value);
    return this;
  }

  /** A DynamoDB number's text, quoted; refuses what DynamoDB cannot store. */
  numberString(value: number): this {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a number DynamoDB can store`);
    this.parts[this.count++] = '"';
    this.parts[this.count++] = String(value);
    this.parts[this.count++] = '"';
    return this;
  }

  take(): string {
    // Slots past this text hold '' (see clear): the array keeps its capacity instead of being trimmed and
    // grown again for the next, larger text.
    const text = this.parts.join('');
    this.clear();
    return text;
  }

  /** Empties the writer (also after a throw part-way, so no piece reaches the next text). */
  clear(): void {
    // Drops the references, so the pieces can die young.
    this.parts.fill('', 0, this.count);
    this.count = 0;
  }
}
