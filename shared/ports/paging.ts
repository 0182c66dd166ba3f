/**
 * Pages and opaque cursors, as every store port returns and takes them. A cursor is the LastEvaluatedKey, base64url-encoded; on the way
 * back in it is checked against what the query may touch, so a forged cursor is a 400, never a foreign page.
 */
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
