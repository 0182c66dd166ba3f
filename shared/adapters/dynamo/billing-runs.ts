/**
 * The run record of a scheduled job (ops table RUN#<job>#<period> / RUN): who holds it (a lease, so two
 * copies never enqueue at once and a dead scheduler is taken over), the batches it planned and the ones
 * done (a string set, so a redelivered batch is counted once), counts, and completion.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { RunRecord } from '../../domain/billing/run.js';
import type { BatchCounts, BillingRunStore, RunLease, RunTotals } from '../../ports/billing-runs.js';
import { type Item, int } from './billing-dynamo.js';
import { dynamo, isConditionFailure } from './client.js';

const runKey = (job: string, period: string) => ({ pk: `RUN#${job}#${period}`, sk: 'RUN' });

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

async function readRun(job: string, period: string): Promise<RunRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ops'), Key: runKey(job, period), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

async function acquireRun(job: string, period: string, lease: RunLease): Promise<RunRecord | undefined> {
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
          ':lease': lease.leaseUntil,
          ':now': lease.startedAt,
          ':clock': lease.now,
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

async function markEnqueued(job: string, period: string, totals: RunTotals): Promise<void> {
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

async function markBatchDone(
  job: string,
  period: string,
  batchId: string,
  counts: BatchCounts,
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
    // Counted before (a redelivery).
    return true;
  }
}

async function countFailure(job: string, period: string): Promise<void> {
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

async function completeIfDone(job: string, period: string, at: string): Promise<boolean> {
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

export const dynamoBillingRuns: BillingRunStore = {
  read: readRun,
  acquire: acquireRun,
  markEnqueued,
  markBatchDone,
  countFailure,
  completeIfDone,
};
