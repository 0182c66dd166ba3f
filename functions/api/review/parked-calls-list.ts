/** GET /v1/review/parked-calls — operators: parked contact records, newest parked first (open by default). */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { parkedCallsQuery } from '../../../shared/http/schemas/money.js';
import { parkedRecords } from '../../../shared/runtime/parked-records.js';

export const handler = apiHandler('listParkedCalls', { query: parkedCallsQuery }, async ({ query }) => ({
  body: await parkedRecords.list(query),
}));
