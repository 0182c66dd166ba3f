/**
 * Routing apply as a job, on the embedded engine with the local Connect: the request answers a pending job,
 * the worker applies the diff recording each step, Connect's throttling is absorbed by re-queueing with a
 * delay (never a failure), and a worker that dies mid-apply is resumed by the redelivered message from the
 * next step, with no Connect write repeated.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoHolidayCalendarStore } from '../../shared/adapters/dynamo/holiday-calendar-store.js';
import { dynamoRoutingApplyJobStore } from '../../shared/adapters/dynamo/routing-apply-job-store.js';
import { DynamoRoutingStore } from '../../shared/adapters/dynamo/routing-store.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { putRouting } from '../../shared/app/routing/put-routing.js';
import {
  type RoutingApplyMessage,
  requestRoutingApply,
} from '../../shared/app/routing/request-routing-apply.js';
import { runRoutingApply } from '../../shared/app/routing/run-routing-apply.js';
import { tableName } from '../../shared/config.js';
import type { RoutingConfigInput } from '../../shared/domain/routing/config.js';
import type { SendOptions, WorkQueue } from '../../shared/ports/work-queue.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { noPromptAudio, promptStore } from '../support/prompts.js';
import { defaultTariffOnly } from '../support/tariffs.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const AT = '2026-11-25T02:00:00.000Z';
const STEPS = ['hours', 'queue:sales', 'queue:sales:vip', 'profile:sales-team', 'flow'];

let db: TestDatabase;
let counter = 0;
let jobs = 0;
let number = '';
let telephony: LocalTelephony;
/** What the request and the worker sent to the queue; delivered by the test, one at a time. */
let sent: { message: RoutingApplyMessage; delaySeconds: number }[];

const queue: WorkQueue<RoutingApplyMessage> = {
  async send(message, options: SendOptions = {}) {
    sent.push({ message, delaySeconds: options.delaySeconds ?? 0 });
  },
};
const stores = {
  routing: new DynamoRoutingStore(),
  calendars: new DynamoHolidayCalendarStore(),
  prompts: promptStore,
  applyJobs: dynamoRoutingApplyJobStore(),
  applyQueue: async () => queue,
};
const request = () =>
  requestRoutingApply({ ...stores, newId: () => `job-${++jobs}` }, { number, tenantId: 'acme', at: AT });
const work = (message: RoutingApplyMessage, at = AT) =>
  runRoutingApply(
    {
      ...stores,
      promptAudio: noPromptAudio.promptAudio,
      telephony: async () => telephony,
      tariffsFrom: defaultTariffOnly,
    },
    message,
    at,
  );
/** Delivers the queue's messages in order until it is empty (as SQS would, delays aside). */
async function drain() {
  const outcomes: string[] = [];
  for (let next = sent.shift(); next; next = sent.shift()) outcomes.push((await work(next.message)).outcome);
  return outcomes;
}
const connectWrites = () => telephony.state.writes.map((w) => w.op);

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => {
  number = `40082${String(++counter).padStart(5, '0')}`;
  telephony = new LocalTelephony();
  sent = [];
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${number}`,
        sk: 'NUMBER',
        type: 'number',
        number,
        tenantId: 'acme',
        status: 'active',
        accessNumber: `+65${number.slice(-8)}`,
        phoneNumberId: `pn-${number}`,
      },
    }),
  );
  await putRouting(
    { routing: stores.routing, prompts: stores.prompts, timeZone: 'Asia/Shanghai' },
    { number, tenantId: 'acme', input: ENTERPRISE_INPUT as RoutingConfigInput, at: AT },
  );
});

describe('routing apply job', () => {
  it('answers a pending job and sends it to the worker, which applies every step once', async () => {
    const job = await request();
    expect(job).toMatchObject({ status: 'pending', configVersion: 1, stepsDone: [], tries: 0, throttled: 0 });
    expect(sent).toEqual([{ message: { type: 'routing.apply', number, jobId: job.jobId }, delaySeconds: 0 }]);
    expect(connectWrites()).toEqual([]);
    // The same request while it is pending is the same job, not a second message.
    expect((await request()).jobId).toBe(job.jobId);
    expect(sent).toHaveLength(1);
    expect(await drain()).toEqual(['applied']);
    expect(await stores.applyJobs.get(number)).toMatchObject({
      status: 'applied',
      stepsDone: STEPS,
      steps: 5,
      finishedAt: AT,
      result: { connectWrites: 5, snapshot: 'written' },
    });
    expect((await stores.applyJobs.get(number))?.step).toBeUndefined();
    // A duplicate delivery of a finished job does nothing.
    expect((await work({ type: 'routing.apply', number, jobId: job.jobId })).outcome).toBe('skipped');
    expect(connectWrites()).toHaveLength(5);
  });

  it('absorbs Connect throttling: re-queued with growing delays, each resource written once', async () => {
    telephony.failNext('upsertQueue', 'ThrottlingException', 2);
    telephony.failNext('upsertRoutingProfile', 'TooManyRequestsException', 1);
    await request();
    expect(await drain()).toEqual(['throttled', 'throttled', 'throttled', 'applied']);
    const job = await stores.applyJobs.get(number);
    expect(job).toMatchObject({ status: 'applied', throttled: 3, tries: 0, stepsDone: STEPS });
    expect(connectWrites()).toEqual([
      'CreateHoursOfOperation',
      'CreateQueue',
      'CreateQueue',
      'CreateRoutingProfile',
      'AssociatePhoneNumberContactFlow',
    ]);
  });

  it('backs off from throttling by 4 s, doubling (the request’s own message is not delayed)', async () => {
    telephony.failNext('upsertQueue', 'ThrottlingException', 3);
    await request();
    const delays: number[] = [];
    for (let next = sent.shift(); next; next = sent.shift()) {
      delays.push(next.delaySeconds);
      await work(next.message);
    }
    expect(delays).toEqual([0, 4, 8, 16]);
  });

  it('resumes a worker that died mid-apply from the next step, repeating no Connect write', async () => {
    await request();
    const message = sent[0]?.message as RoutingApplyMessage;
    // The worker dies while Connect creates the routing profile: its call never returns.
    const upsert = telephony.upsertRoutingProfile.bind(telephony);
    telephony.upsertRoutingProfile = () => new Promise(() => {});
    void work(message);
    await expect.poll(async () => (await stores.applyJobs.get(number))?.step).toBe('profile:sales-team');
    const stuck = await stores.applyJobs.get(number);
    expect(stuck).toMatchObject({ status: 'applying', stepsDone: STEPS.slice(0, 3) });
    expect(connectWrites()).toEqual(['CreateHoursOfOperation', 'CreateQueue', 'CreateQueue']);

    // SQS redelivers the message after its visibility timeout, to a fresh worker.
    telephony.upsertRoutingProfile = upsert;
    expect((await work(message, '2026-11-25T02:12:00.000Z')).outcome).toBe('applied');
    const job = await stores.applyJobs.get(number);
    expect(job).toMatchObject({ status: 'applied', stepsDone: STEPS, tries: 0 });
    expect(job?.result?.changes.map((c) => c.key)).toEqual(['profile:sales-team', 'flow']);
    expect(job?.result?.unchanged).toEqual(['hours', 'queue:sales', 'queue:sales:vip']);
    expect(connectWrites()).toEqual([
      'CreateHoursOfOperation',
      'CreateQueue',
      'CreateQueue',
      'CreateRoutingProfile',
      'AssociatePhoneNumberContactFlow',
    ]);
  });

  it('retries an unavailable Connect a few times, then fails the job with a clear error', async () => {
    telephony.failNext('upsertHoursOfOperation', 'ServiceUnavailableException', 10);
    const job = await request();
    expect(await drain()).toEqual(['retry', 'retry', 'retry', 'retry', 'failed']);
    expect(await stores.applyJobs.get(number)).toMatchObject({
      jobId: job.jobId,
      status: 'failed',
      tries: 5,
      error: { code: 'connect_unavailable' },
    });
    // Asking again starts a new job.
    telephony = new LocalTelephony();
    const again = await request();
    expect(again.jobId).not.toBe(job.jobId);
    expect(await drain()).toEqual(['applied']);
  });

  it('a newer request replaces the job: the older one’s message is stale', async () => {
    const first = await request();
    await putRouting(
      { routing: stores.routing, prompts: stores.prompts, timeZone: 'Asia/Shanghai' },
      { number, tenantId: 'acme', input: ENTERPRISE_INPUT as RoutingConfigInput, at: AT },
    );
    const second = await request();
    expect(second).toMatchObject({ configVersion: 2, status: 'pending' });
    expect(second.jobId).not.toBe(first.jobId);
    expect(await drain()).toEqual(['skipped', 'applied']);
  });
});
