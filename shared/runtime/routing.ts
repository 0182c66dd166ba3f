/**
 * The routing capability's composition root. Handlers call a use case of shared/app/routing/ with the
 * dependencies built here, and never see an adapter. Split by what the use cases need, so a function
 * bundles only that (Lambda bundles are per function; libphonenumber's metadata alone is 160 KB):
 *   ./routing.ts             the DynamoDB stores and configuration (configs, holiday calendars);
 *   ./routing-apply.ts       apply and the holiday recompile, with the telephony port;
 *   ./routing-test-call.ts   test calls, with the contact flow walker and the caller-region index;
 *   ./route-call.ts          the routing Lambda (Connect waits on its cold start: no document client).
 */
import { DynamoHolidayCalendarStore } from '../adapters/dynamo/holiday-calendar-store.js';
import { DynamoRoutingStore } from '../adapters/dynamo/routing-store.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../config.js';

/** One of each store per process. */
export const routingStores = {
  routing: new DynamoRoutingStore(),
  calendars: new DynamoHolidayCalendarStore(),
};

/** Business rules run in this zone unless a configuration says otherwise. */
export const timeZone = () => optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);
