import {
  AccessDeniedException,
  ConnectClient,
  CreateQueueCommand,
  ThrottlingException,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectTelephony, withBackoff } from '../../shared/adapters/connect/connect-telephony.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';

const connect = mockClient(ConnectClient);
afterEach(() => connect.reset());

const queue = { name: 'q400-4008123456-sales', description: 'Sales', hoursOfOperationId: 'h-1' };

describe('withBackoff', () => {
  it('retries throttling with growing, capped, jittered waits, then gives up', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    };
    await expect(
      withBackoff(failing, {
        maxAttempts: 5,
        baseDelayMs: 100,
        maxDelayMs: 400,
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.999,
      }),
    ).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(5);
    expect(waits).toEqual([149, 249, 449, 449]);
  });

  it('does not retry errors that will not go away', async () => {
    let calls = 0;
    const denied = () => {
      calls++;
      return Promise.reject(new AccessDeniedException({ message: 'no', $metadata: {} }));
    };
    await expect(withBackoff(denied, { sleep: async () => undefined })).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});

describe('ConnectTelephony queues', () => {
  const telephony = () =>
    new ConnectTelephony(new ConnectClient({ region: 'ap-southeast-1' }), {
      instanceId: 'inst',
      sleep: async () => undefined,
    });

  it('creates a queue once, on the instance, with its hours', async () => {
    connect.on(CreateQueueCommand).resolves({ QueueId: 'q-1', QueueArn: 'arn:q-1' });
    await expect(telephony().upsertQueue(queue)).resolves.toEqual({ id: 'q-1', arn: 'arn:q-1' });
    expect(connect).toHaveReceivedCommandTimes(CreateQueueCommand, 1);
    expect(connect).toHaveReceivedCommandWith(CreateQueueCommand, {
      InstanceId: 'inst',
      Name: queue.name,
      HoursOfOperationId: 'h-1',
    });
  });

  it('updates a known queue in place instead of creating another', async () => {
    connect.on(UpdateQueueNameCommand).resolves({});
    connect.on(UpdateQueueHoursOfOperationCommand).resolves({});
    await telephony().upsertQueue(queue, { id: 'q-1', arn: 'arn:q-1' });
    expect(connect).not.toHaveReceivedCommand(CreateQueueCommand);
    expect(connect).toHaveReceivedCommandWith(UpdateQueueHoursOfOperationCommand, {
      QueueId: 'q-1',
      HoursOfOperationId: 'h-1',
    });
  });
});

describe('LocalTelephony', () => {
  it('records claims idempotently per token, bindings and upserts', async () => {
    const local = new LocalTelephony();
    const a = await local.claimAccessNumber({
      number400: '4008123456',
      countryCode: 'SG',
      type: 'DID',
      idempotencyToken: 't',
    });
    const b = await local.claimAccessNumber({
      number400: '4008123456',
      countryCode: 'SG',
      type: 'DID',
      idempotencyToken: 't',
    });
    expect(b).toEqual(a);
    await local.associateFlow(a.phoneNumberId, 'flow');
    expect(local.state.flowBindings[a.phoneNumberId]).toBe('flow');
    const created = await local.upsertQueue(queue);
    const updated = await local.upsertQueue({ ...queue, description: 'renamed' }, created);
    expect(updated.id).toBe(created.id);
    expect(Object.keys(local.state.queues)).toEqual([queue.name]);
    expect(local.state.writes.map((w) => w.op)).toEqual([
      'ClaimPhoneNumber',
      'AssociatePhoneNumberContactFlow',
      'CreateQueue',
      'UpdateQueue',
    ]);
  });
});
