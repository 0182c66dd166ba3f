/**
 * The routing capability's composition root. Handlers call a use case of shared/app/routing/ with the
 * dependencies built here, and never see an adapter. Split by what the use cases need, so a function
 * bundles only that (Lambda bundles are per function; libphonenumber's metadata alone is 160 KB):
 *   ./routing.ts             the DynamoDB stores and configuration (configs, holiday calendars);
 *   ./routing-apply.ts       the apply worker and the holiday recompile, with the telephony port;
 *   ./routing-test-call.ts   test calls, with the contact flow walker and the caller-region index;
 *   ./route-call.ts          the routing Lambda (Connect waits on its cold start: no document client).
 */
import { DynamoHolidayCalendarStore } from '../adapters/dynamo/holiday-calendar-store.js';
import { DynamoPromptStore } from '../adapters/dynamo/prompt-store.js';
import { dynamoRoutingApplyJobStore } from '../adapters/dynamo/routing-apply-job-store.js';
import { DynamoRoutingStore } from '../adapters/dynamo/routing-store.js';
import type { RoutingApplyMessage } from '../app/routing/request-routing-apply.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../config.js';
import { workQueue } from './work-queues.js';

/** One of each store per process, and the routing apply worker's queue. */
export const routingStores = {
  routing: new DynamoRoutingStore(),
  calendars: new DynamoHolidayCalendarStore(),
  prompts: new DynamoPromptStore(),
  applyJobs: dynamoRoutingApplyJobStore(),
  applyQueue: () => workQueue<RoutingApplyMessage>('routingApply'),
};

/** Business rules run in this zone unless a configuration says otherwise. */
export const timeZone = () => optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);
