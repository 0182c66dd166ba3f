/**
 * Pages and opaque cursors. A store port returns and takes its position as the LastEvaluatedKey,
 * base64url-encoded, and checks it against what the query may touch. The API never hands that out bare:
 * `signCursor` wraps it with its issue time and an HMAC-SHA256 over it, the caller (tenant, or operator),
 * the route, its path and its filters, and `openCursor` refuses anything else as a 400 `invalid_cursor`:
 * a foreign, edited, malformed or stale cursor never reaches DynamoDB.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalid } from '../domain/errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type PageKey = Record<string, string | number>;

export function encodeCursor(key: PageKey | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  accept: (key: PageKey) => boolean,
): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('invalid_cursor', 'cursor is not one this API issued', 'cursor');
  }
  const isKey =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string' || typeof v === 'number');
  if (!isKey || !accept(parsed as PageKey)) {
    throw invalid('invalid_cursor', 'cursor is not one this API issued', 'cursor');
  }
  return parsed as PageKey;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** A cursor older than this is stale (400 `invalid_cursor`): start the list again. */
export const CURSOR_MAX_AGE_SECONDS = 24 * 60 * 60;

/** What a cursor is bound to: who asked, on which route, for which path and filters. */
export interface CursorBinding {
  /** The tenant, or `operator:<sub>` for a user without one. */
  readonly caller: string;
  readonly route: string;
  /** Path parameters and every query parameter but `cursor` and `limit` (a page size may change). */
  readonly parameters: Readonly<Record<string, string | undefined>>;
}

/** The variable naming the Secrets Manager secret that holds the signing key (paging routes only). */
export const CURSOR_KEY_SECRET_ENV = 'CURSOR_KEY_SECRET_ID';

/** The signing key: the Secrets Manager secret in AWS, a key generated per local runtime locally. */
export interface CursorKeyPort {
  readonly key: Uint8Array;
}

const refused = () => invalid('invalid_cursor', 'cursor is not one this API issued for this list', 'cursor');

function mac(key: Uint8Array, signed: string, binding: CursorBinding): string {
  const parameters = Object.entries(binding.parameters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', key)
    .update(JSON.stringify([signed, binding.caller, binding.route, parameters]))
    .digest('base64url');
}

/** `<position>.<issued, base-36 seconds>.<HMAC>`: the position is the store's cursor (base64url, no dot). */
export function signCursor(
  position: string,
  binding: CursorBinding,
  issuedAt: Date,
  key: Uint8Array,
): string {
  const signed = `${position}.${Math.floor(issuedAt.getTime() / 1000).toString(36)}`;
  return `${signed}.${mac(key, signed, binding)}`;
}

/** The store's position inside a cursor this API signed for this binding within the last 24 h. */
export function openCursor(cursor: string, binding: CursorBinding, now: Date, key: Uint8Array): string {
  const parts = cursor.split('.');
  if (parts.length !== 3) throw refused();
  const [position, issued, signature] = parts as [string, string, string];
  // Compared as text: base64url decoders ignore stray trailing bits, so comparing bytes would let edits by.
  const expected = Buffer.from(mac(key, `${position}.${issued}`, binding));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
  const age = Math.floor(now.getTime() / 1000) - Number.parseInt(issued, 36);
  if (!/^[0-9a-z]{1,10}$/.test(issued) || age > CURSOR_MAX_AGE_SECONDS || age < -60) throw refused();
  return position;
}
