/** Optimistic concurrency over HTTP: `If-Match: "<version>"` makes a write conditional on what was read. */
import { invalid } from '../domain/errors.js';

/** The version an If-Match header names (weak or strong, quoted or not); undefined without the header. */
export function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw invalid('invalid_if_match', 'If-Match is the version number you read', 'If-Match');
  return Number(m[1]);
}
