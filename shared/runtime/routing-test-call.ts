/**
 * Routing's test call: the use case with the stores, the caller-region index and the generated contact
 * flow walked in-process (see ./routing.ts for the others).
 */
import { callerRegionLookup } from '../adapters/connect/caller-region.js';
import { simulateTestCall, type TestCallRequest } from '../app/routing/simulate-test-call.js';
import { buildContactFlow } from '../connect/contact-flow.js';
import { type WalkResult, walkFlow } from '../connect/flow-walker.js';
import type { ContactFlowSimulator } from '../ports/routing.js';
import { routingStores } from './routing.js';
import { tariffsFrom } from './tariffs.js';

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

export const routingTestCall = {
  simulateTestCall: (request: TestCallRequest) =>
    simulateTestCall(
      { ...routingStores, regions: callerRegionLookup, flow: testCallFlow, tariffsFrom },
      request,
    ),
};
