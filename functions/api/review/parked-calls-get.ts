/** GET /v1/review/parked-calls/{contactId} — operators: one parked contact record. */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { callPath } from '../../../shared/http/schemas/money.js';
import { parkedRecords } from '../../../shared/runtime/parked-records.js';

export const handler = apiHandler('getParkedCall', { path: callPath }, async ({ path }) => ({
  body: await parkedRecords.get(path.contactId),
}));
