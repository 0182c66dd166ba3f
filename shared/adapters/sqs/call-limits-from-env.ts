/**
 * The call-limits port in Lambda: pending stops go to CALL_LIMITS_QUEUE_URL. Built by the composition
 * root (shared/runtime/ports.ts) the first time a function asks for the port; loads only the SQS client.
 */
import { requireEnv } from '../../config.js';
import type { CallLimitsPort, PendingStopsPort } from '../../ports/call-limits.js';

export async function createCallLimitsFromEnv(): Promise<CallLimitsPort> {
  const [{ SQSClient }, { SqsCallLimits }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('./call-limits.js'),
  ]);
  return new SqsCallLimits(new SQSClient({}), requireEnv('CALL_LIMITS_QUEUE_URL'));
}

/** The stop-contact Lambda's side: the same queue, and Connect to stop contacts. */
export async function createPendingStopsFromEnv(): Promise<PendingStopsPort> {
  const [{ SQSClient }, { ConnectClient }, { SqsPendingStops }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('@aws-sdk/client-connect'),
    import('./call-limits.js'),
  ]);
  return new SqsPendingStops({
    sqs: new SQSClient({}),
    connect: new ConnectClient({}),
    queueUrl: requireEnv('CALL_LIMITS_QUEUE_URL'),
  });
}
