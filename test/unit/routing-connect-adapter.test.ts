import {
  AccessDeniedException,
  ClaimPhoneNumberCommand,
  ConnectClient,
  CreateHoursOfOperationCommand,
  CreatePromptCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  DeletePromptCommand,
  DescribePhoneNumberCommand,
  DuplicateResourceException,
  ListHoursOfOperationOverridesCommand,
  ListPhoneNumbersV2Command,
  ListPromptsCommand,
  ListRoutingProfileQueuesCommand,
  type PhoneNumberWorkflowStatus,
  ReleasePhoneNumberCommand,
  ResourceNotFoundException,
  SearchAvailablePhoneNumbersCommand,
  ThrottlingException,
  UpdatePromptCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueNameCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { v5 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accessNumbersFromEnv,
  CLAIM_TOKEN_NAMESPACE,
  ConnectTelephony,
  type ConnectTelephonyOptions,
  claimToken,
  releaseToken,
  withBackoff,
} from '../../shared/adapters/connect/connect-telephony.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { ClaimFailedError, ClaimPendingError, type PendingClaim } from '../../shared/ports/telephony.js';
import {
  CONNECT_REQUEST_RULES,
  connectRequestProblems,
  receivedRequestProblems,
} from '../support/connect-model.js';

const connect = mockClient(ConnectClient);
// Every request any test here made must fit Connect's API model (test/support/connect-model.ts).
afterEach(() => {
  const problems = receivedRequestProblems(connect.calls());
  connect.reset();
  expect(problems).toEqual([]);
});

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

describe('ConnectTelephony prompts', () => {
  const telephony = () =>
    new ConnectTelephony(new ConnectClient({ region: 'ap-southeast-1' }), {
      instanceId: 'inst',
      sleep: async () => undefined,
    });
  const prompt = {
    name: 'p400-pr_0123456789abcdef0123456789abcdef',
    description: 'Prompt pr_0123456789abcdef0123456789abcdef of tenant acme: 欢迎语',
    s3Uri: 's3://hotline-prompts/prompts/acme/pr_0123456789abcdef0123456789abcdef.wav',
    revision: 'sha-of-the-audio',
  };

  it('creates the prompt from the tenant’s object, sending exactly Name, Description and S3Uri (never our revision)', async () => {
    connect.on(CreatePromptCommand).resolves({ PromptId: 'p-1', PromptARN: 'arn:prompt/p-1' });
    await expect(telephony().upsertPrompt(prompt)).resolves.toEqual({ id: 'p-1', arn: 'arn:prompt/p-1' });
    const sent = connect.commandCalls(CreatePromptCommand)[0]?.args[0].input;
    expect(sent).toEqual({
      InstanceId: 'inst',
      Name: prompt.name,
      Description: prompt.description,
      S3Uri: prompt.s3Uri,
    });
  });

  it('updates a known prompt in place; a duplicate name (another number of the tenant) is adopted, then updated', async () => {
    connect.on(UpdatePromptCommand).resolves({ PromptId: 'p-1', PromptARN: 'arn:prompt/p-1' });
    await telephony().upsertPrompt(prompt, { id: 'p-1', arn: 'arn:prompt/p-1' });
    expect(connect).not.toHaveReceivedCommand(CreatePromptCommand);
    expect(connect).toHaveReceivedCommandWith(UpdatePromptCommand, { PromptId: 'p-1', S3Uri: prompt.s3Uri });
    connect.reset();
    connect
      .on(CreatePromptCommand)
      .rejects(new DuplicateResourceException({ message: 'exists', $metadata: {} }));
    connect.on(ListPromptsCommand).resolves({
      PromptSummaryList: [
        { Id: 'p-0', Arn: 'arn:prompt/p-0', Name: 'someone else' },
        { Id: 'p-7', Arn: 'arn:prompt/p-7', Name: prompt.name },
      ],
    });
    connect.on(UpdatePromptCommand).resolves({ PromptId: 'p-7', PromptARN: 'arn:prompt/p-7' });
    await expect(telephony().upsertPrompt(prompt)).resolves.toEqual({ id: 'p-7', arn: 'arn:prompt/p-7' });
    expect(connect).toHaveReceivedCommandWith(UpdatePromptCommand, { PromptId: 'p-7', Name: prompt.name });
  });

  it('deletes the prompt of that name, found by listing page after page; none of that name: nothing deleted', async () => {
    connect
      .on(ListPromptsCommand)
      .resolvesOnce({
        PromptSummaryList: [{ Id: 'p-0', Arn: 'arn:prompt/p-0', Name: 'someone else' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({ PromptSummaryList: [{ Id: 'p-7', Arn: 'arn:prompt/p-7', Name: prompt.name }] });
    connect.on(DeletePromptCommand).resolves({});
    await expect(telephony().deletePrompt(prompt.name)).resolves.toBe(true);
    expect(connect.commandCalls(DeletePromptCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceId: 'inst', PromptId: 'p-7' },
    ]);
    expect(connect).toHaveReceivedCommandWith(ListPromptsCommand, {
      InstanceId: 'inst',
      NextToken: 'page-2',
    });
    connect.reset();
    connect.on(ListPromptsCommand).resolves({ PromptSummaryList: [] });
    await expect(telephony().deletePrompt(prompt.name)).resolves.toBe(false);
    expect(connect).not.toHaveReceivedCommand(DeletePromptCommand);
  });

  it('a prompt deleted between the listing and the delete (ResourceNotFound) is no error', async () => {
    connect
      .on(ListPromptsCommand)
      .resolves({ PromptSummaryList: [{ Id: 'p-7', Arn: 'arn:prompt/p-7', Name: prompt.name }] });
    connect
      .on(DeletePromptCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    await expect(telephony().deletePrompt(prompt.name)).resolves.toBe(false);
  });

  it('refuses (in the model) a DeletePrompt without a prompt id or with one over 256 characters', () => {
    expect(connectRequestProblems('DeletePrompt', { InstanceId: 'i', PromptId: 'x'.repeat(257) })).toEqual([
      'DeletePrompt: PromptId is longer than 256',
    ]);
    expect(connectRequestProblems('DeletePrompt', { InstanceId: 'i' })).toEqual([
      'DeletePrompt: PromptId is required',
    ]);
  });

  it('refuses (in the model) an S3Uri Connect would not take, and a name over 127 characters', () => {
    expect(
      connectRequestProblems('CreatePrompt', {
        InstanceId: 'i',
        Name: 'x'.repeat(128),
        S3Uri: 'prompts/acme/x.wav',
      }),
    ).toEqual([
      'CreatePrompt: Name is longer than 127',
      'CreatePrompt: S3Uri "prompts/acme/x.wav" does not match /^(s3:\\/\\/\\S+\\/.+|https:\\/\\/\\S+\\.s3\\.\\S+\\.amazonaws\\.com\\/\\S+)$/',
    ]);
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

const INSTANCE_ID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const APPLICATION = 'app_6a0d3c52-1f7e-4b1a-9c55-2f0b8e7d4a11';
const adapter = (options: Partial<ConnectTelephonyOptions> = {}) =>
  new ConnectTelephony(new ConnectClient({ region: 'ap-southeast-1' }), {
    instanceId: INSTANCE_ID,
    sleep: async () => undefined,
    claimPolls: 3,
    ...options,
  });
const status = (Status: PhoneNumberWorkflowStatus, PhoneNumber = '+6531000001') => ({
  ClaimedPhoneNumberSummary: { PhoneNumber, PhoneNumberStatus: { Status } },
});
const available = (...numbers: string[]) => ({
  AvailableNumbersList: numbers.map((PhoneNumber) => ({ PhoneNumber })),
});
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

describe('Connect request constraints (test/support/connect-model.ts)', () => {
  it('rejects the tokens the adapter used to send, and accepts ours', () => {
    const claim = {
      InstanceId: INSTANCE_ID,
      PhoneNumber: '+6531000001',
      PhoneNumberDescription: '400 4008123456',
    };
    expect(connectRequestProblems('ClaimPhoneNumber', { ...claim, ClientToken: APPLICATION })).not.toEqual(
      [],
    );
    expect(connectRequestProblems('ClaimPhoneNumber', { ...claim, ClientToken: 't-1' })).not.toEqual([]);
    expect(connectRequestProblems('ClaimPhoneNumber', { ...claim })).toContain(
      'ClaimPhoneNumber: ClientToken is required',
    );
    expect(
      connectRequestProblems('ClaimPhoneNumber', { ...claim, ClientToken: claimToken(APPLICATION, 0) }),
    ).toEqual([]);
  });

  it('catches enums, lengths, ranges and patterns', () => {
    const problems = [
      ...connectRequestProblems('SearchAvailablePhoneNumbers', {
        InstanceId: INSTANCE_ID,
        PhoneNumberCountryCode: 'XX',
        PhoneNumberType: 'MOBILE',
        PhoneNumberPrefix: '65-31',
        MaxResults: 11,
      }),
      ...connectRequestProblems('CreateQueue', {
        InstanceId: INSTANCE_ID,
        Name: 'q'.repeat(128),
        Description: '',
        HoursOfOperationId: 'h',
      }),
      ...connectRequestProblems('AssociateRoutingProfileQueues', {
        InstanceId: INSTANCE_ID,
        RoutingProfileId: 'r',
        QueueConfigs: [{ QueueReference: { QueueId: 'q', Channel: 'PIGEON' }, Priority: 100, Delay: -1 }],
      }),
    ];
    for (const fragment of [
      'PhoneNumberCountryCode "XX"',
      'PhoneNumberType "MOBILE"',
      'PhoneNumberPrefix "65-31"',
      'MaxResults 11 is above 10',
      'Name is longer than 127',
      'Description is shorter than 1',
      'QueueConfigs[0].QueueReference.Channel "PIGEON"',
      'QueueConfigs[0].Priority 100 is above 99',
      'QueueConfigs[0].Delay -1 is below 0',
    ])
      expect(problems.join('\n')).toContain(fragment);
  });
});

describe('ConnectTelephony claims', () => {
  it('derives ClientTokens as UUIDv5 of the application and attempt, in a fixed namespace', () => {
    expect(claimToken(APPLICATION, 0)).toMatch(UUID);
    expect(claimToken(APPLICATION, 0)).toBe(v5(`claim#${APPLICATION}#0`, CLAIM_TOKEN_NAMESPACE));
    expect(claimToken(APPLICATION, 0)).toBe(claimToken(APPLICATION, 0));
    expect(claimToken(APPLICATION, 1)).not.toBe(claimToken(APPLICATION, 0));
    expect(claimToken('app_other', 0)).not.toBe(claimToken(APPLICATION, 0));
    expect(releaseToken('pn-1')).toMatch(UUID);
    expect(releaseToken('pn-1')).not.toBe(claimToken('pn-1', 0));
  });

  it('searches the configured country, type and prefix, claims with the token and reports the id before polling', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
    connect.on(SearchAvailablePhoneNumbersCommand).resolves(available('+6531000001', '+6531000002'));
    connect.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: 'pn-1' });
    connect.on(DescribePhoneNumberCommand).resolvesOnce(status('IN_PROGRESS')).resolves(status('CLAIMED'));
    const reported: { claim: PendingClaim; describedBefore: number }[] = [];
    const claimed = await adapter({
      accessNumbers: { countryCode: 'GB', type: 'TOLL_FREE', prefix: '+44800' },
    }).claimAccessNumber({
      number400: '4008123456',
      idempotencyToken: APPLICATION,
      // Ignored: the deployment's configuration decides.
      countryCode: 'SG',
      type: 'DID',
      onPending: async (claim) => {
        reported.push({ claim, describedBefore: connect.commandCalls(DescribePhoneNumberCommand).length });
      },
    });
    expect(claimed).toEqual({ accessNumber: '+6531000001', phoneNumberId: 'pn-1' });
    expect(connect).toHaveReceivedCommandWith(SearchAvailablePhoneNumbersCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumberCountryCode: 'GB',
      PhoneNumberType: 'TOLL_FREE',
      PhoneNumberPrefix: '+44800',
    });
    expect(connect).toHaveReceivedCommandWith(ClaimPhoneNumberCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumber: '+6531000001',
      PhoneNumberDescription: '400 4008123456',
      ClientToken: claimToken(APPLICATION, 0),
    });
    expect(reported).toEqual([
      { claim: { attempt: 0, phoneNumber: '+6531000001' }, describedBefore: 0 },
      { claim: { attempt: 0, phoneNumber: '+6531000001', phoneNumberId: 'pn-1' }, describedBefore: 0 },
    ]);
  });

  it('a retry of the same attempt reuses its number and token and never searches again', async () => {
    connect.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: 'pn-1' });
    connect.on(DescribePhoneNumberCommand).resolves(status('CLAIMED'));
    const pending = { attempt: 0, phoneNumber: '+6531000001' };
    await adapter().claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION, pending });
    expect(connect).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(connect).not.toHaveReceivedCommand(ListPhoneNumbersV2Command);
    expect(connect).toHaveReceivedCommandWith(ClaimPhoneNumberCommand, {
      PhoneNumber: '+6531000001',
      ClientToken: claimToken(APPLICATION, 0),
    });
  });

  it('a retry that knows the PhoneNumberId only polls', async () => {
    connect.on(DescribePhoneNumberCommand).resolves(status('CLAIMED'));
    const pending = { attempt: 1, phoneNumber: '+6531000002', phoneNumberId: 'pn-2' };
    await expect(
      adapter().claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION, pending }),
    ).resolves.toEqual({ accessNumber: '+6531000001', phoneNumberId: 'pn-2' });
    expect(connect).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(connect).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  it('without a stored claim, adopts the number an interrupted run claimed for this 400 number', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [
        { PhoneNumberId: 'pn-x', PhoneNumber: '+6531999999', PhoneNumberDescription: '400 4008000000' },
        { PhoneNumberId: 'pn-7', PhoneNumber: '+6531000007', PhoneNumberDescription: '400 4008123456' },
      ],
    });
    connect.on(DescribePhoneNumberCommand).resolves(status('CLAIMED', '+6531000007'));
    await expect(
      adapter().claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION }),
    ).resolves.toEqual({ accessNumber: '+6531000007', phoneNumberId: 'pn-7' });
    expect(connect).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(connect).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  it('a FAILED claim moves to the next attempt: the next number, a new token', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({});
    connect.on(SearchAvailablePhoneNumbersCommand).resolves(available('+6531000001', '+6531000002'));
    connect
      .on(ClaimPhoneNumberCommand)
      .resolvesOnce({ PhoneNumberId: 'pn-1' })
      .resolves({ PhoneNumberId: 'pn-2' });
    connect
      .on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-1' })
      .resolves(status('FAILED'))
      .on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-2' })
      .resolves(status('CLAIMED', '+6531000002'));
    const claimed = await adapter().claimAccessNumber({
      number400: '4008123456',
      idempotencyToken: APPLICATION,
    });
    expect(claimed).toEqual({ accessNumber: '+6531000002', phoneNumberId: 'pn-2' });
    const claims = connect.commandCalls(ClaimPhoneNumberCommand).map((c) => c.args[0].input);
    expect(claims.map((c) => [c.PhoneNumber, c.ClientToken])).toEqual([
      ['+6531000001', claimToken(APPLICATION, 0)],
      ['+6531000002', claimToken(APPLICATION, 1)],
    ]);
  });

  it('a claim still in progress after the polls is reported pending, never abandoned for another number', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({});
    connect.on(SearchAvailablePhoneNumbersCommand).resolves(available('+6531000001', '+6531000002'));
    connect.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: 'pn-1' });
    connect.on(DescribePhoneNumberCommand).resolves(status('IN_PROGRESS'));
    const error = await adapter()
      .claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimPendingError);
    expect((error as ClaimPendingError).pending).toEqual({
      attempt: 0,
      phoneNumber: '+6531000001',
      phoneNumberId: 'pn-1',
    });
    expect(connect).toHaveReceivedCommandTimes(SearchAvailablePhoneNumbersCommand, 1);
    expect(connect).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    expect(connect).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 3);
  });

  it('says when Connect refuses every attempt (ClaimFailedError: the caller rolls back, never retries)', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({});
    connect.on(SearchAvailablePhoneNumbersCommand).resolves(available('+6531000001', '+6531000002'));
    connect.on(ClaimPhoneNumberCommand).callsFake((input: { PhoneNumber: string }) => ({
      PhoneNumberId: `pn-${input.PhoneNumber.slice(-1)}`,
    }));
    connect.on(DescribePhoneNumberCommand).resolves(status('FAILED'));
    const error = await adapter({ claimRetries: 1 })
      .claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimFailedError);
    expect(connect).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 2);
    connect.reset();
    connect.on(ListPhoneNumbersV2Command).resolves({});
    connect.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [] });
    await expect(
      adapter().claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION }),
    ).rejects.toBeInstanceOf(ClaimFailedError);
  });

  it('paces its requests under Connect’s 2 requests/s when asked: a 500 ms gap before each after the first', async () => {
    connect.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: 'pn-1' });
    connect.on(DescribePhoneNumberCommand).resolvesOnce(status('IN_PROGRESS')).resolves(status('CLAIMED'));
    const sleeps: number[] = [];
    await adapter({
      requestsPerSecond: 2,
      claimPollMs: 1000,
      sleep: async (ms) => void sleeps.push(ms),
    }).claimAccessNumber({
      number400: '4008123456',
      idempotencyToken: APPLICATION,
      pending: { attempt: 0, phoneNumber: '+6531000001' },
    });
    // Claim, describe (in progress), poll wait, describe (claimed): gaps before the 2nd and 3rd requests.
    expect(sleeps).toEqual([500, 1000, 500]);
  });

  it('releases a number with its own UUID token, and a number already gone is released', async () => {
    connect
      .on(ReleasePhoneNumberCommand)
      .resolvesOnce({})
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await adapter().releaseAccessNumber('pn-1');
    await adapter().releaseAccessNumber('pn-1');
    expect(connect).toHaveReceivedCommandWith(ReleasePhoneNumberCommand, {
      PhoneNumberId: 'pn-1',
      ClientToken: releaseToken('pn-1'),
    });
  });

  it('reads the claim criteria from the environment the stack sets, with documented defaults', () => {
    expect(accessNumbersFromEnv({})).toEqual({ countryCode: 'SG', type: 'DID' });
    expect(
      accessNumbersFromEnv({
        CONNECT_COUNTRY: 'GB',
        CONNECT_NUMBER_TYPE: 'TOLL_FREE',
        CONNECT_NUMBER_PREFIX: '+44800',
      }),
    ).toEqual({ countryCode: 'GB', type: 'TOLL_FREE', prefix: '+44800' });
    expect(() => accessNumbersFromEnv({ CONNECT_NUMBER_TYPE: 'MOBILE' })).toThrow(/DID or TOLL_FREE/);
  });
});

describe('every Connect request the adapter sends fits the model', () => {
  it('covers each command of the adapter with a constraint table', async () => {
    connect.onAnyCommand().resolves({});
    connect
      .on(CreateHoursOfOperationCommand)
      .resolves({ HoursOfOperationId: 'h-1', HoursOfOperationArn: 'arn:h-1' });
    connect.on(ListHoursOfOperationOverridesCommand).resolves({
      HoursOfOperationOverrideList: [
        {
          HoursOfOperationOverrideId: 'o-1',
          Name: 'old',
          EffectiveFrom: '2026-01-01',
          EffectiveTill: '2026-01-01',
        },
      ],
    });
    connect.on(CreateQueueCommand).resolves({ QueueId: 'q-1', QueueArn: 'arn:q-1' });
    connect
      .on(CreateRoutingProfileCommand)
      .resolves({ RoutingProfileId: 'r-1', RoutingProfileArn: 'arn:r-1' });
    connect.on(ListRoutingProfileQueuesCommand).resolves({
      RoutingProfileQueueConfigSummaryList: ['q-1', 'q-old'].map((QueueId) => ({
        QueueId,
        QueueArn: `arn:${QueueId}`,
        QueueName: QueueId,
        Priority: 1,
        Delay: 0,
        Channel: 'VOICE' as const,
      })),
    });
    const t = adapter();
    const hours = {
      name: 'h400-4008123456',
      description: 'Business hours of 4008123456',
      timeZone: 'Asia/Shanghai',
      slices: [{ day: 'MONDAY' as const, startMinute: 540, endMinute: 1440 }],
      closures: [{ name: 'national-day-2026', from: '2026-10-01', till: '2026-10-07' }],
    };
    const h = await t.upsertHoursOfOperation(hours);
    await t.upsertHoursOfOperation(hours, h);
    const q = await t.upsertQueue(queue);
    await t.upsertQueue(queue, q);
    const profile = {
      name: 'rp400-4008123456',
      description: 'Routing of 4008123456',
      queues: [
        { queueId: 'q-1', priority: 2, delaySeconds: 0 },
        { queueId: 'q-2', priority: 1, delaySeconds: 0 },
      ],
      defaultOutboundQueueId: 'q-1',
    };
    const r = await t.upsertRoutingProfile(profile);
    await t.upsertRoutingProfile(profile, r);
    connect.on(CreatePromptCommand).resolves({ PromptId: 'p-1', PromptARN: 'arn:p-1' });
    const promptSpec = {
      name: 'p400-pr_0123456789abcdef0123456789abcdef',
      description: 'Prompt of tenant acme',
      s3Uri: 's3://hotline-prompts/prompts/acme/pr_0123456789abcdef0123456789abcdef.wav',
      revision: 'r1',
    };
    const p = await t.upsertPrompt(promptSpec);
    await t.upsertPrompt(promptSpec, p);
    connect.on(ListPromptsCommand).resolves({ PromptSummaryList: [{ Id: 'p-1', Name: promptSpec.name }] });
    await t.deletePrompt(promptSpec.name);
    await t.associateFlow('pn-1', 'flow-1');
    await t.releaseAccessNumber('pn-1');
    connect.on(SearchAvailablePhoneNumbersCommand).resolves(available('+6531000001'));
    connect.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: 'pn-1' });
    connect.on(DescribePhoneNumberCommand).resolves(status('CLAIMED'));
    await t.claimAccessNumber({ number400: '4008123456', idempotencyToken: APPLICATION });
    // The afterEach checks each request; here: every command sent has a table, and every table was used.
    const sent = new Set(
      connect.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')),
    );
    for (const operation of Object.keys(CONNECT_REQUEST_RULES)) {
      if (
        operation === 'ListHoursOfOperations' ||
        operation === 'ListQueues' ||
        operation === 'ListRoutingProfiles' ||
        operation === 'ListPrompts'
      )
        continue; // sent only when adopting a duplicate, covered below
      expect(sent, operation).toContain(operation);
    }
    for (const operation of sent) expect(Object.keys(CONNECT_REQUEST_RULES)).toContain(operation);
  });
});
