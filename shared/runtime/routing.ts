/**
 * The routing capability's composition root: its use cases (shared/app/routing/) built with the DynamoDB
 * stores, the telephony port (`port('telephony')`), the contact flow simulator and configuration.
 * Handlers and jobs call these and never see an adapter. (The routing Lambda has its own, smaller root,
 * ./route-call.ts: Connect waits on its cold start.)
 */
import { callerRegionLookup } from '../adapters/connect/caller-region.js';
import { DynamoHolidayCalendarStore } from '../adapters/dynamo/holiday-calendar-store.js';
import { DynamoRoutingStore } from '../adapters/dynamo/routing-store.js';
import { type ApplyRoutingRequest, applyRouting } from '../app/routing/apply-routing.js';
import { checkHolidayCalendar } from '../app/routing/check-holiday-calendar.js';
import { getHolidayCalendar } from '../app/routing/get-holiday-calendar.js';
import { getRouting } from '../app/routing/get-routing.js';
import { listHolidayCalendars } from '../app/routing/list-holiday-calendars.js';
import {
  type PublishHolidayCalendarRequest,
  publishHolidayCalendar,
} from '../app/routing/publish-holiday-calendar.js';
import { type PutRoutingRequest, putRouting } from '../app/routing/put-routing.js';
import { type RecompileHolidaysRequest, recompileHolidays } from '../app/routing/recompile-holidays.js';
import { simulateTestCall, type TestCallRequest } from '../app/routing/simulate-test-call.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../config.js';
import { buildContactFlow } from '../connect/contact-flow.js';
import { type WalkResult, walkFlow } from '../connect/flow-walker.js';
import { logger } from '../observability.js';
import type { ContactFlowSimulator } from '../ports/routing.js';
import { port } from './ports.js';

const routingStore = new DynamoRoutingStore();
const calendarStore = new DynamoHolidayCalendarStore();
const stores = { routing: routingStore, calendars: calendarStore };

/** Business rules run in this zone unless a configuration says otherwise. */
const timeZone = () => optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);

const TEST_ARM_CALL_LIMIT_ARN = 'arn:aws:lambda:local:000000000000:function:armCallLimit';
/** The flow a test call walks: the same generated JSON Connect runs (the Lambda ARNs are irrelevant here). */
const TEST_FLOW = buildContactFlow({
  routeCallFunctionArn: 'arn:aws:lambda:local:000000000000:function:routeCall',
  armCallLimitFunctionArn: TEST_ARM_CALL_LIMIT_ARN,
});

const testCallFlow: ContactFlowSimulator<WalkResult> = {
  walk: (request) =>
    walkFlow(TEST_FLOW, {
      keys: request.keys,
      answers: request.answers,
      queueAccepts: request.queueAccepts,
      invoke: request.routeCall,
      lambdas: { [TEST_ARM_CALL_LIMIT_ARN]: request.armCallLimit },
    }),
};

async function withTelephony() {
  return { ...stores, telephony: await port('telephony') };
}

export const routing = {
  getRouting: (request: { number: string; tenantId: string }) => getRouting(stores, request),
  putRouting: (request: PutRoutingRequest) => putRouting({ ...stores, timeZone: timeZone() }, request),
  applyRouting: async (request: ApplyRoutingRequest) => applyRouting(await withTelephony(), request),
  simulateTestCall: (request: TestCallRequest) =>
    simulateTestCall({ ...stores, regions: callerRegionLookup, flow: testCallFlow }, request),
  getHolidayCalendar: (year: number) => getHolidayCalendar(stores, year),
  listHolidayCalendars: () => listHolidayCalendars(stores),
  publishHolidayCalendar: (request: PublishHolidayCalendarRequest) => publishHolidayCalendar(stores, request),
  checkHolidayCalendar: (at: string) => checkHolidayCalendar({ ...stores, timeZone: timeZone() }, at),
  recompileHolidays: async (request: RecompileHolidaysRequest) =>
    recompileHolidays(
      {
        ...(await withTelephony()),
        onFailure: ({ number, accessNumber, error }) =>
          logger.warn('holiday recompile failed for a number; the next run retries it', {
            number,
            accessNumber,
            error: error as Error,
          }),
      },
      request,
    ),
  /** The owner and access number of a number (the local call simulator dials 400 numbers). */
  numberFacts: (number: string) => routingStore.numberFacts(number),
};
