/**
 * Enforcing the decision's maxDurationSeconds: the pure stop rules, the arm-call-limit handler (never
 * throws to Connect), the local recording adapter, the SQS delay-chain adapter and stop-contact (mocked
 * clients), and the composition root.
 */
import {
  ConnectClient,
  ContactNotFoundException,
  InvalidRequestException,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectContactFlowEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as armHandler } from '../../functions/connect/arm-call-limit.js';
import { handler as stopHandler } from '../../functions/connect/stop-contact.js';
import { LocalCallLimits } from '../../shared/adapters/local/local-call-limits.js';
import { parsePendingStop, relayPendingStop, SqsCallLimits } from '../../shared/adapters/sqs/call-limits.js';
import { ConfigError } from '../../shared/config.js';
import {
  CALL_LIMIT_ARM_FAILURES_METRIC,
  CALL_LIMIT_GRACE_SECONDS,
  callStopInstant,
  MAX_STOP_DELAY_SECONDS,
  nextStopHop,
  parseLimitSeconds,
  STOP_TOLERANCE_MS,
} from '../../shared/domain/routing/call-limit.js';
import type { CallLimitsPort } from '../../shared/ports/call-limits.js';
import { TestClock } from '../../shared/ports/clock.js';
import { callMetrics } from '../../shared/runtime/connect-handler.js';
import { port, resetPorts, useClock, usePorts } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';

const CONTACT = '2f0c1a8e-6a51-4d0e-9d4a-0b6f7c2d9e11';
const INSTANCE_ID = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const INSTANCE_ARN = `arn:aws:connect:ap-southeast-1:123456789012:instance/${INSTANCE_ID}`;
const QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/call-limits';
const NOW = new Date('2026-11-25T02:00:00.400Z');

function flowEvent(parameters: Record<string, string>, contactId = CONTACT): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: { ContactId: contactId, InstanceARN: INSTANCE_ARN },
      Parameters: parameters,
    },
  } as unknown as ConnectContactFlowEvent;
}

/** The deployed arm-call-limit handler, at `now` on the clock in force. */
function armCallLimit(event: ConnectContactFlowEvent, now: Date) {
  useClock(new TestClock(now));
  return armHandler(event, lambdaContext);
}

/** The deployed stop-contact handler, at `now` on the clock in force. */
function stopDueContacts(event: SQSEvent, now: Date) {
  useClock(new TestClock(now));
  return stopHandler(event, lambdaContext);
}

describe('the stop rules', () => {
  it('enforces only a positive whole number of seconds', () => {
    for (const none of ['', '0', '-5', 'unlimited', '12.5', 'abc', undefined, null, ' ', '1e3'])
      expect(parseLimitSeconds(none), String(none)).toBeUndefined();
    expect(parseLimitSeconds('600')).toBe(600);
    expect(parseLimitSeconds(' 180 ')).toBe(180);
    expect(parseLimitSeconds(14_400)).toBe(14_400);
  });

  it('stops at now (whole seconds) + the limit + the grace', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14_400 }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        (seconds, now) => {
          const stop = callStopInstant(String(seconds), now);
          const expected = Math.floor(now.getTime() / 1000) + seconds + CALL_LIMIT_GRACE_SECONDS;
          expect(stop?.getTime()).toBe(expected * 1000);
          // Never before the paid time has run out, never more than grace + 1 s after.
          const slackMs = (stop?.getTime() ?? 0) - now.getTime() - seconds * 1000;
          expect(slackMs).toBeGreaterThan((CALL_LIMIT_GRACE_SECONDS - 1) * 1000);
          expect(slackMs).toBeLessThanOrEqual(CALL_LIMIT_GRACE_SECONDS * 1000);
        },
      ),
    );
    expect(callStopInstant('', NOW)).toBeUndefined();
    expect(callStopInstant('60', NOW, 0)?.toISOString()).toBe('2026-11-25T02:01:00.000Z');
  });

  it('reaches the stop in hops of at most 15 minutes, never stopping early', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 5 * 3600 * 1000 }), (offsetMs) => {
        const stopAt = new Date(NOW.getTime() + offsetMs);
        let now = NOW;
        let hops = 0;
        for (;;) {
          const hop = nextStopHop(stopAt, now);
          if (hop.kind === 'stop') break;
          expect(hop.delaySeconds).toBeGreaterThanOrEqual(1);
          expect(hop.delaySeconds).toBeLessThanOrEqual(MAX_STOP_DELAY_SECONDS);
          now = new Date(now.getTime() + hop.delaySeconds * 1000);
          hops++;
        }
        expect(stopAt.getTime() - now.getTime()).toBeLessThanOrEqual(STOP_TOLERANCE_MS);
        expect(hops).toBeLessThanOrEqual(
          Math.ceil(Math.max(0, offsetMs) / 1000 / MAX_STOP_DELAY_SECONDS) + 1,
        );
      }),
    );
  });
});

describe('the local call-limits adapter', () => {
  it('keeps the earliest stop per contact and counts the arms', async () => {
    const limits = new LocalCallLimits();
    const first = await limits.arm(
      { contactId: 'c1', instanceId: 'i', stopAt: '2026-11-25T03:00:00.000Z' },
      NOW,
    );
    expect(first).toEqual({ contactId: 'c1', stopAt: '2026-11-25T03:00:00.000Z', immediate: false });
    const later = await limits.arm(
      { contactId: 'c1', instanceId: 'i', stopAt: '2026-11-25T03:00:30.000Z' },
      NOW,
    );
    expect(later.stopAt).toBe('2026-11-25T03:00:00.000Z');
    await limits.arm({ contactId: 'c1', instanceId: 'i', stopAt: '2026-11-25T02:59:00.000Z' }, NOW);
    expect(limits.find('c1')).toMatchObject({
      stopAt: '2026-11-25T02:59:00.000Z',
      arms: 3,
      armedAt: NOW.toISOString(),
    });
    expect(limits.find('c1')?.stoppedAt).toBeUndefined();
    expect(limits.armed).toHaveLength(1);
  });

  it('stops at once a contact whose stop instant has passed', async () => {
    const limits = new LocalCallLimits();
    const late = await limits.arm({ contactId: 'c2', instanceId: 'i', stopAt: '2026-11-25T01:00:00Z' }, NOW);
    expect(late.immediate).toBe(true);
    expect(limits.find('c2')?.stoppedAt).toBe(NOW.toISOString());
    await expect(limits.arm({ contactId: 'c3', instanceId: 'i', stopAt: 'soon' }, NOW)).rejects.toThrow();
  });
});

describe('arm-call-limit (the flow block before a transfer or queue)', () => {
  let limits: LocalCallLimits;
  beforeEach(() => {
    limits = new LocalCallLimits();
    usePorts({ callLimits: limits });
  });
  afterEach(() => resetPorts());

  it('arms the stop at now + maxDurationSeconds + 5 s for this contact and instance', async () => {
    const answer = await armCallLimit(flowEvent({ maxDurationSeconds: '180' }), NOW);
    expect(answer).toEqual({ armed: 'true', reason: 'armed', stopAt: '2026-11-25T02:03:05.000Z' });
    expect(limits.armed).toEqual([
      expect.objectContaining({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: answer.stopAt }),
    ]);
    // Every value a string: Connect's STRING_MAP validation.
    for (const value of Object.values(answer)) expect(typeof value).toBe('string');
  });

  it('arms nothing when the decision carries no limit', async () => {
    for (const maxDurationSeconds of ['', '0', 'unlimited', '-1']) {
      const answer = await armCallLimit(flowEvent({ maxDurationSeconds }), NOW);
      expect(answer).toEqual({ armed: 'false', reason: 'no_limit', stopAt: '' });
    }
    expect(await armCallLimit(flowEvent({}), NOW)).toMatchObject({ armed: 'false', reason: 'no_limit' });
    expect(limits.armed).toEqual([]);
  });

  it('never throws to Connect: a failing port or a broken event is answered, not raised', async () => {
    const failing: CallLimitsPort = {
      arm: async () => {
        throw new Error('SQS unavailable');
      },
    };
    usePorts({ callLimits: failing });
    await expect(armCallLimit(flowEvent({ maxDurationSeconds: '60' }), NOW)).resolves.toEqual({
      armed: 'false',
      reason: 'failed',
      stopAt: '',
    });
    await expect(armCallLimit(flowEvent({ maxDurationSeconds: '60' }, ''), NOW)).resolves.toMatchObject({
      reason: 'missing_contact',
    });
    await expect(armCallLimit(undefined as unknown as ConnectContactFlowEvent, NOW)).resolves.toMatchObject({
      armed: 'false',
    });
  });

  it('counts a failure on its own series (the ops alarm watches it), and no failure when there is no limit', async () => {
    const single = vi.spyOn(callMetrics, 'single');
    try {
      useClock(new TestClock(NOW));
      const context = { functionName: 'armCallLimit', awsRequestId: 'r-1' } as never;
      await armHandler(flowEvent({ maxDurationSeconds: '' }), context);
      expect(single).not.toHaveBeenCalled();
      usePorts({
        callLimits: {
          arm: async () => {
            throw new Error('SQS unavailable');
          },
        },
      });
      const answer = await armHandler(flowEvent({ maxDurationSeconds: '60' }), context);
      expect(answer).toMatchObject({ armed: 'false', reason: 'failed' });
      expect(single).toHaveBeenCalledWith(CALL_LIMIT_ARM_FAILURES_METRIC, 'Count', 1);
    } finally {
      single.mockRestore();
    }
  });

  it('honours the simulator instant only in the local runtime', async () => {
    const simulatedAt = '2026-01-01T00:00:00Z';
    const aws = await armCallLimit(flowEvent({ maxDurationSeconds: '60', simulatedAt }), NOW);
    expect(aws.stopAt).toBe('2026-11-25T02:01:05.000Z');
    process.env.HOTLINE_RUNTIME = 'local';
    try {
      const local = await armCallLimit(flowEvent({ maxDurationSeconds: '60', simulatedAt }, 'c-local'), NOW);
      expect(local.stopAt).toBe('2026-01-01T00:01:05.000Z');
    } finally {
      delete process.env.HOTLINE_RUNTIME;
    }
  });
});

describe('the SQS delay-chain adapter', () => {
  const sqs = mockClient(SQSClient);
  const connect = mockClient(ConnectClient);
  beforeEach(() => {
    sqs.reset();
    connect.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });
  const deps = () => ({ sqs: new SQSClient({}), connect: new ConnectClient({}), queueUrl: QUEUE_URL });

  it('arms by sending the pending stop with a delay of at most 15 minutes', async () => {
    const limits = new SqsCallLimits(new SQSClient({}), QUEUE_URL);
    const stopAt = '2026-11-25T02:03:05.000Z';
    const armed = await limits.arm({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt }, NOW);
    expect(armed).toEqual({ contactId: CONTACT, stopAt, immediate: false });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: QUEUE_URL, DelaySeconds: 185 });
    const body = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '');
    expect(body).toEqual({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt });

    await limits.arm({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: '2026-11-25T06:00:00Z' }, NOW);
    expect(sqs.commandCalls(SendMessageCommand)[1]?.args[0].input.DelaySeconds).toBe(MAX_STOP_DELAY_SECONDS);
  });

  it('sends a stop already due with no delay (the contact is stopped at once)', async () => {
    const limits = new SqsCallLimits(new SQSClient({}), QUEUE_URL);
    const armed = await limits.arm(
      { contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: '2026-11-25T01:00:00Z' },
      NOW,
    );
    expect(armed.immediate).toBe(true);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: 0 });
  });

  it('refuses ids that are not Connect ids and stops that are not instants, before sending', async () => {
    const limits = new SqsCallLimits(new SQSClient({}), QUEUE_URL);
    await expect(
      limits.arm({ contactId: 'x"; DROP', instanceId: INSTANCE_ID, stopAt: NOW.toISOString() }, NOW),
    ).rejects.toThrow(/contactId/);
    await expect(
      limits.arm({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: 'later' }, NOW),
    ).rejects.toThrow(/stopAt/);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    expect(() => parsePendingStop('not json')).toThrow(/JSON/);
  });

  it('relays a stop not yet due, and stops the contact once due', async () => {
    const stop = { contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: '2026-11-25T04:00:00.000Z' };
    await expect(relayPendingStop(stop, NOW, deps())).resolves.toBe('waiting');
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: 900 });
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);

    connect.on(StopContactCommand).resolves({});
    const due = new Date('2026-11-25T04:00:00.200Z');
    await expect(relayPendingStop(stop, due, deps())).resolves.toBe('stopped');
    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      ContactId: CONTACT,
      InstanceId: INSTANCE_ID,
    });
  });

  it('treats a contact that already ended as done, and raises any other Connect error', async () => {
    const stop = { contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: NOW.toISOString() };
    connect
      .on(StopContactCommand)
      .rejectsOnce(new ContactNotFoundException({ message: 'gone', $metadata: {} }))
      .rejectsOnce(new InvalidRequestException({ message: 'nope', $metadata: {} }));
    await expect(relayPendingStop(stop, NOW, deps())).resolves.toBe('already_ended');
    await expect(relayPendingStop(stop, NOW, deps())).rejects.toThrow('nope');
  });

  it('stop-contact reports only the failed records of a batch', async () => {
    process.env.CALL_LIMITS_QUEUE_URL = QUEUE_URL;
    process.env.TABLE_LEDGER = 'ledger';
    // No contact record arrived for the contact yet (test/integration/routing-call-limit-cancel.test.ts
    // covers the one that did).
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(GetCommand).resolves({});
    connect.on(StopContactCommand).resolves({});
    const record = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];
    const due = JSON.stringify({ contactId: CONTACT, instanceId: INSTANCE_ID, stopAt: NOW.toISOString() });
    const later = JSON.stringify({
      contactId: CONTACT,
      instanceId: INSTANCE_ID,
      stopAt: '2026-11-25T03:00:00Z',
    });
    const result = await stopDueContacts(
      { Records: [record('due', due), record('later', later), record('junk', '{"contactId":1}')] },
      NOW,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'junk' }]);
    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'ledger',
      Key: { pk: `CALL#${CONTACT}`, sk: 'CALL' },
    });
    dynamo.restore();
    delete process.env.CALL_LIMITS_QUEUE_URL;
    delete process.env.TABLE_LEDGER;
  });
});

describe('the composition root', () => {
  afterEach(() => {
    resetPorts();
    delete process.env.CALL_LIMITS_QUEUE_URL;
  });

  it('builds the SQS adapter from CALL_LIMITS_QUEUE_URL, and names the variable when it is missing', async () => {
    await expect(port('callLimits')).rejects.toThrow(ConfigError);
    await expect(port('callLimits')).rejects.toThrow(/CALL_LIMITS_QUEUE_URL/);
    process.env.CALL_LIMITS_QUEUE_URL = QUEUE_URL;
    expect(await port('callLimits')).toBeInstanceOf(SqsCallLimits);
  });
});
