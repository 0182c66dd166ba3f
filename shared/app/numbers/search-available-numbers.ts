/**
 * Search the available pool. Primary course: the pool of the asked segments (all by default), best tier
 * first, filtered by tier and digit pattern, each result priced from the configuration. A rare pattern
 * reads at most a budget of index items and answers a short page with a cursor to go on.
 */
import { SEGMENTS, type Segment, type TierId, tierConfig } from '../../domain/numbers/config.js';
import { type AvailableNumber, availableNumber, containsMatcher } from '../../domain/numbers/search.js';
import type { Page } from '../../ports/paging.js';
import type { NumbersDeps } from './deps.js';

/** Index items read per request at most: a rare pattern returns a short page and a cursor. */
export const SEARCH_READ_BUDGET = 3000;

export interface SearchQuery {
  readonly segment?: Segment;
  readonly tier?: TierId;
  /** Twilio-style: digits, letters (keypad) and `*` for any one digit, matched anywhere in the number. */
  readonly contains?: string;
  readonly limit: number;
  readonly cursor?: string;
  /** Index items read at most (default SEARCH_READ_BUDGET). */
  readonly readBudget?: number;
}

export async function searchAvailableNumbers(
  deps: NumbersDeps,
  query: SearchQuery,
  at: string,
): Promise<Page<AvailableNumber> & { readonly scanned: number }> {
  const matches = containsMatcher(query.contains);
  const page = await deps.numbers.scanAvailable({
    segments: query.segment ? [query.segment] : [...SEGMENTS],
    ...(query.tier ? { tierRank: tierConfig(deps.config, query.tier).rank } : {}),
    at,
    limit: query.limit,
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    readBudget: query.readBudget ?? SEARCH_READ_BUDGET,
    matches,
    dense: query.contains === undefined,
  });
  return { ...page, items: page.items.map((n) => availableNumber(n, deps.config)) };
}
