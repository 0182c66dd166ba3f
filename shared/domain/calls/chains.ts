/**
 * Transfer chains. Amazon Connect writes one contact record per segment of a transferred call, linked by
 * InitialContactId (the first segment) and PreviousContactId (the one before); the parser keeps the chain's
 * id as `initialContactId`. A chain is ONE call to the customer: listed once with its segments, counted once
 * in reports.
 *
 * Rating rule: per segment. Connect bills each contact (segment) on its own, so each segment is rated and
 * charged as it arrives, with its own billing increment rounding; the chain's charge is the sum of its
 * segments' charges. (Rating the chain as one would need every segment before charging any, and late
 * segments could re-price earlier ones.)
 */

/**
 * Paging: a chain is listed once, where its FIRST segment is (newest first by that start): a transferred call
 * starts when its first segment starts, and belongs to the time range that start falls in, with every
 * segment (also those started after the range). A page never splits a chain. A chain whose first segment is
 * not stored (past its retention, or parked) is listed at its oldest stored segment, looked for within
 * CHAIN_SPAN_MS before: the segments of one call are taken to start within a day of each other.
 */
export const CHAIN_SPAN_MS = 24 * 60 * 60 * 1000;

/** Whether a segment opens its chain (a call never transferred, or the first segment of a transferred one). */
export const isFirstSegment = (call: ChainLink): boolean =>
  call.initialContactId === undefined || call.initialContactId === call.contactId;

export interface ChainLink {
  readonly contactId?: string;
  readonly initialContactId?: string;
  readonly startedAt: string;
}

/** The chain a segment belongs to: its first segment's contact id (its own for a call never transferred). */
export const chainIdOf = (call: ChainLink): string => call.initialContactId ?? call.contactId ?? '';

/** Segments grouped by chain, in order of each chain's first appearance; segments oldest first. */
export function groupChains<T extends ChainLink>(calls: Iterable<T>): { chainId: string; segments: T[] }[] {
  const chains = new Map<string, T[]>();
  let anonymous = 0;
  for (const call of calls) {
    // A record without a contact id (old projection) stands alone.
    const id = chainIdOf(call) || `#${anonymous++}`;
    const list = chains.get(id);
    if (list) list.push(call);
    else chains.set(id, [call]);
  }
  return [...chains.entries()].map(([chainId, segments]) => ({
    chainId,
    segments: segments.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)),
  }));
}

export interface ChainedCall {
  readonly startedAt: string;
  readonly missed: boolean;
  readonly durationSeconds: number;
  readonly amount: number;
  readonly callerRegion?: string;
}

/**
 * A chain as one call for reports: it starts when its first segment starts, is missed only when no segment
 * was answered, talks for the sum of its segments and costs the sum of their charges.
 */
export function asOneCall<T extends ChainedCall & ChainLink>(segments: readonly T[]): ChainedCall {
  const first = segments[0] as T;
  return {
    startedAt: first.startedAt,
    missed: segments.every((s) => s.missed),
    durationSeconds: segments.reduce((sum, s) => sum + (s.missed ? 0 : s.durationSeconds), 0),
    amount: segments.reduce((sum, s) => sum + s.amount, 0),
    ...(first.callerRegion !== undefined ? { callerRegion: first.callerRegion } : {}),
  };
}
