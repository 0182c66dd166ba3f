/**
 * The call-limits port in AWS, built on what the project already ships (SQS and Connect clients): arming
 * sends a pending stop to the call-limits queue with a delay; the stop-contact Lambda receives it when the
 * delay ends and either sends it on again (SQS delays stop at 15 minutes, limits go up to 4 hours) or, once
 * due, calls Connect StopContact. Idempotent per contact without any stored state: each arm is its own
 * chain, the earliest stop ends the contact, and every later one finds it gone (ContactNotFoundException)
 * and is dropped. A stop armed after its instant has a delay of 0: the contact is stopped at once.
 */
import { type ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { nextStopHop, type PendingStop, parsePendingStop } from '../../domain/routing/call-limit.js';
import type {
  ArmCallLimitRequest,
  ArmedCallLimit,
  CallLimitsPort,
  PendingStopsPort,
  StopOutcome,
} from '../../ports/call-limits.js';

export type { PendingStop } from '../../domain/routing/call-limit.js';
export { parsePendingStop };

async function sendPendingStop(
  sqs: SQSClient,
  queueUrl: string,
  stop: PendingStop,
  now: Date,
): Promise<boolean> {
  const hop = nextStopHop(new Date(stop.stopAt), now);
  const delaySeconds = hop.kind === 'wait' ? hop.delaySeconds : 0;
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({
        contactId: stop.contactId,
        instanceId: stop.instanceId,
        stopAt: stop.stopAt,
      }),
      DelaySeconds: delaySeconds,
    }),
  );
  return delaySeconds === 0;
}

export class SqsCallLimits implements CallLimitsPort {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async arm(request: ArmCallLimitRequest, now: Date): Promise<ArmedCallLimit> {
    const stop = parsePendingStop(JSON.stringify(request));
    const immediate = await sendPendingStop(this.sqs, this.queueUrl, stop, now);
    return { contactId: stop.contactId, stopAt: new Date(stop.stopAt).toISOString(), immediate };
  }
}

export type RelayOutcome = StopOutcome;

/**
 * One pending stop received by the stop-contact Lambda: sent on again while not due, else the contact is
 * stopped. A contact that already ended is done too. Any other error is thrown (the message is retried,
 * then lands in the dead-letter queue).
 */
export async function relayPendingStop(
  stop: PendingStop,
  now: Date,
  deps: { readonly sqs: SQSClient; readonly connect: ConnectClient; readonly queueUrl: string },
): Promise<RelayOutcome> {
  if (nextStopHop(new Date(stop.stopAt), now).kind === 'wait') {
    await sendPendingStop(deps.sqs, deps.queueUrl, stop, now);
    return 'waiting';
  }
  try {
    await deps.connect.send(
      new StopContactCommand({ ContactId: stop.contactId, InstanceId: stop.instanceId }),
    );
    return 'stopped';
  } catch (error) {
    if ((error as { name?: string }).name === 'ContactNotFoundException') return 'already_ended';
    throw error;
  }
}

/** The stop-contact Lambda's side of the chain. */
export class SqsPendingStops implements PendingStopsPort {
  constructor(
    private readonly deps: {
      readonly sqs: SQSClient;
      readonly connect: ConnectClient;
      readonly queueUrl: string;
    },
  ) {}

  relay(stop: PendingStop, now: Date): Promise<StopOutcome> {
    return relayPendingStop(stop, now, this.deps);
  }
}
