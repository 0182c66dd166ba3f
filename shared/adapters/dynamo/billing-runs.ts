/**
 * The run record of a scheduled job (ops table RUN#<job>#<period> / RUN): who holds it (a lease, so two
 * copies never enqueue at once and a dead scheduler is taken over), the batches it planned and the ones
 * done (a string set, so a redelivered batch is counted once), counts, and completion.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { RunRecord } from '../../domain/billing/run.js';
import { type Item, int } from './billing-dynamo.js';
import { dynamo } from './client.js';

const runKey = (job: string, period: string) => ({ pk: `RUN#${job}#${period}`, sk: 'RUN' });
const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

function fromItem(item: Item): RunRecord {
  const done = item.doneBatches instanceof Set ? item.doneBatches.size : 0;
  return {
    job: String(item.job),
    month: String(item.period),
    phase: item.phase === 'complete' ? 'complete' : 'running',
    startedAt: String(item.startedAt),
    leaseUntil: String(item.leaseUntil),
    enqueued: item.enqueued === true,
    ...(typeof item.batchesTotal === 'number' ? { batchesTotal: item.batchesTotal } : {}),
    batchesDone: done,
    ...(typeof item.contractsTotal === 'number' ? { contractsTotal: item.contractsTotal } : {}),
    ...(typeof item.tenantsTotal === 'number' ? { tenantsTotal: item.tenantsTotal } : {}),
    contractsBilled: int(item.contractsBilled),
    chargesPosted: int(item.chargesPosted),
    statementsWritten: int(item.statementsWritten),
    failures: int(item.failures),
    ...(typeof item.completedAt === 'string' ? { completedAt: item.completedAt } : {}),
  };
}

export async function readRun(job: string, period: string): Promise<RunRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ops'), Key: runKey(job, period), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/**
 * Takes the run: creates it, or takes over one whose lease ran out and is not complete. Returns undefined
 * when another copy holds it or it is complete (nothing to do). `now` is the job's instant (the schedule's
 * intended time, recorded as startedAt); the lease runs on the later of it and the clock, so a run started
 * days late (a retried schedule keeps its instant) still holds a live lease, and a retry of it can take
 * over a dead one.
 */
export async function acquireRun(
  job: string,
  period: string,
  now: Date,
  leaseMs: number,
): Promise<RunRecord | undefined> {
  const clock = new Date(Math.max(now.getTime(), Date.now()));
  const leaseUntil = new Date(clock.getTime() + leaseMs).toISOString();
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: runKey(job, period),
        UpdateExpression:
          'SET #type = :type, job = :job, period = :period, phase = :running, leaseUntil = :lease, startedAt = if_not_exists(startedAt, :now), enqueued = :false, takeovers = if_not_exists(takeovers, :zero)',
        ConditionExpression: 'attribute_not_exists(pk) OR (phase <> :complete AND leaseUntil < :clock)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'job_run',
          ':job': job,
          ':period': period,
          ':running': 'running',
          ':complete': 'complete',
          ':lease': leaseUntil,
          ':now': now.toISOString(),
          ':clock': clock.toISOString(),
          ':false': false,
          ':zero': 0,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(out.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** The scheduler has sent every batch. */
export async function markEnqueued(
  job: string,
  period: string,
  totals: { batches: number; contracts: number; tenants: number },
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('ops'),
      Key: runKey(job, period),
      UpdateExpression: 'SET enqueued = :true, batchesTotal = :b, contractsTotal = :c, tenantsTotal = :t',
      ExpressionAttributeValues: {
        ':true': true,
        ':b': totals.batches,
        ':c': totals.contracts,
        ':t': totals.tenants,
      },
    }),
  );
}

/**
 * Counts a batch once, however often it is delivered. Returns whether every planned batch is now done
 * (so the caller knows to complete the run without another read).
 */
export async function markBatchDone(
  job: string,
  period: string,
  batchId: string,
  counts: { contracts: number; charges: number; statements: number },
): Promise<boolean> {
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: runKey(job, period),
        UpdateExpression: 'ADD doneBatches :id, contractsBilled :c, chargesPosted :p, statementsWritten :s',
        ConditionExpression: 'attribute_exists(pk) AND NOT contains(doneBatches, :batch)',
        ExpressionAttributeValues: {
          ':id': new Set([batchId]),
          ':batch': batchId,
          ':c': counts.contracts,
          ':p': counts.charges,
          ':s': counts.statements,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const run = fromItem(out.Attributes ?? {});
    return run.enqueued && run.phase === 'running' && run.batchesDone === run.batchesTotal;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Counted before (a redelivery): let the caller try to complete, in case the first delivery died there.
    return true;
  }
}

export async function countFailure(job: string, period: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: runKey(job, period),
        UpdateExpression: 'ADD failures :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** Completes the run once every planned batch is done; true for the one caller that completed it. */
export async function completeIfDone(job: string, period: string, at: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: runKey(job, period),
        UpdateExpression: 'SET phase = :complete, completedAt = :at',
        ConditionExpression:
          'phase = :running AND enqueued = :true AND (batchesTotal = :zero OR size(doneBatches) = batchesTotal)',
        ExpressionAttributeValues: {
          ':complete': 'complete',
          ':running': 'running',
          ':true': true,
          ':zero': 0,
          ':at': at,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
