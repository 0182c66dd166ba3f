/** GET /v1/numbers/available — the available pool by segment, tier and digit pattern, with prices. */
import { searchAvailable } from '../../../shared/adapters/dynamo/number-inventory.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { searchAvailableQuery } from '../../../shared/http/schemas/numbers.js';
import { DEFAULT_PAGE_SIZE } from '../../../shared/ports/paging.js';

export const handler = apiHandler(
  'searchAvailableNumbers',
  { query: searchAvailableQuery },
  async ({ query, now }) => {
    const { items, nextCursor } = await searchAvailable(
      { ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE },
      now.toISOString(),
      numbersConfig(),
    );
    return { body: { items, ...(nextCursor ? { nextCursor } : {}) } };
  },
);
