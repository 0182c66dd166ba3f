/** GET /v1/numbers/available — the available pool by segment, tier and digit pattern, with prices. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { searchAvailableQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';
import { searchAvailableNumbers } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'searchAvailableNumbers',
  { query: searchAvailableQuery },
  async ({ query, now }) => {
    const { items, nextCursor } = await searchAvailableNumbers(
      { ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE },
      now.toISOString(),
    );
    return { body: { items, ...(nextCursor ? { nextCursor } : {}) } };
  },
);
