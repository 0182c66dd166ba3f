/**
 * A call-limit stop is cancelled once the call's contact record arrived: the deployed stop-contact handler
 * (mocked SQS and Connect, the real ledger table on the embedded engine) never stops a contact whose record
 * ingest already stored, while a call still without a record is relayed and stopped as before.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as stopHandler } from '../../functions/connect/stop-contact.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest } from '../../shared/runtime/ingest.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { answeredCall, bindNumbers, callItem, topUp } from './ingest-fixtures.js';

const INSTANCE_ID = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const ENDED = '7b0c1a8e-6a51-4d0e-9d4a-0b6f7c2d9e21';
const TALKING = '7b0c1a8e-6a51-4d0e-9d4a-0b6f7c2d9e22';
// The answered fixture call runs 02:15:19–02:16:19 UTC; its stop was armed for 02:16:24 (60 s + 5 s grace).
const STOP_AT = '2026-11-24T02:16:24.000Z';
const DUE = new Date('2026-11-24T02:16:24.300Z');

const sqs = mockClient(SQSClient);
const connect = mockClient(ConnectClient);
let db: TestDatabase;

const message = (contactId: string, stopAt = STOP_AT) =>
  ({
    messageId: contactId,
    body: JSON.stringify({ contactId, instanceId: INSTANCE_ID, stopAt }),
  }) as SQSEvent['Records'][number];

function stopDueContacts(records: SQSEvent['Records'], now: Date) {
  useClock(new TestClock(now));
  return stopHandler({ Records: records }, lambdaContext);
}

beforeAll(async () => {
  db = await startTestDatabase();
  process.env.CALL_LIMITS_QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/call-limits';
  await bindNumbers([{ tenantId: 'acme', number400: '4008123456', accessNumber: '+6531580001' }]);
  await topUp('acme', 100_000);
  useLocalNotifier();
  // Ingested on the call's day (the test clock, never the real one: a month long closed would park it).
  useClock(new TestClock(DUE));
  const report = await ingest.ingestContactRecords([
    { id: '1', data: JSON.stringify(answeredCall('+6531580001', { contactId: ENDED, seconds: 60 })) },
  ]);
  expect(report).toMatchObject({ charged: 1, failures: [] });
  expect(await callItem(ENDED)).toBeDefined();
});
afterAll(async () => {
  resetPorts();
  delete process.env.CALL_LIMITS_QUEUE_URL;
  await db.stop();
});
beforeEach(() => {
  sqs.reset();
  connect.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  connect.on(StopContactCommand).resolves({});
});

describe('cancelling a call-limit stop when the contact record arrives', () => {
  it('does not stop a contact whose record arrived, and stops one still without a record', async () => {
    const result = await stopDueContacts([message(ENDED), message(TALKING)], DUE);
    expect(result.batchItemFailures).toEqual([]);
    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      ContactId: TALKING,
      InstanceId: INSTANCE_ID,
    });
    expect(connect).not.toHaveReceivedCommandWith(StopContactCommand, { ContactId: ENDED });
  });

  it('ends the delay chain of a recorded call at its next hop instead of sending it on', async () => {
    const later = '2026-11-24T05:00:00.000Z';
    const result = await stopDueContacts([message(ENDED, later), message(TALKING, later)], DUE);
    expect(result.batchItemFailures).toEqual([]);
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    // Only the call still in progress goes round again (900 s: the longest SQS delay).
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const sent = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}');
    expect(sent).toEqual({ contactId: TALKING, instanceId: INSTANCE_ID, stopAt: later });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: 900 });
  });
});
