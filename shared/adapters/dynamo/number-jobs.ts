/**
 * The lifecycle's timers. Each number runs at most one timer, indexed in gsi3 (`DUE#<timer>`,
 * `<due instant>#<number>`); a job reads what is due at `at` and applies the command that timer triggers.
 * A transition moves the number off that timer, so running a job twice changes nothing the second time;
 * a number someone changed meanwhile is skipped (its new state decides).
 */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { logger } from '../../observability.js';
import { dynamo } from './client.js';
import { holdConsumedWrite } from './number-inventory.js';
import { duePartition, type NumberItem, type Timer } from './number-items.js';
import { runCommand } from './number-lifecycle.js';

export interface JobReport {
  readonly job: string;
  readonly at: string;
  readonly processed: number;
  readonly skipped: number;
  readonly failed: number;
}

async function* due(timer: Timer, at: string): AsyncGenerator<NumberItem> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :upper',
        ExpressionAttributeValues: { ':pk': duePartition(timer), ':upper': `${at}#\uffff` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) yield item as NumberItem;
    start = page.LastEvaluatedKey;
  } while (start);
}

async function sweep(
  job: string,
  timers: readonly { timer: Timer; commands: (item: NumberItem) => LifecycleCommand[] }[],
  at: string,
  config: NumbersConfig,
): Promise<JobReport> {
  let processed = 0;
  let skipped = 0;
  let failed = 0;
  for (const { timer, commands } of timers) {
    for await (const item of due(timer, at)) {
      try {
        for (const command of commands(item)) {
          await runCommand(
            item.number,
            command,
            { at, actor: `job:${job}`, config },
            {
              ...(command.type === 'expire_hold' && item.tenantId
                ? {
                    extraWrites: async () => [
                      await holdConsumedWrite(item.tenantId as string, item.number, at),
                    ],
                  }
                : {}),
            },
          );
        }
        processed += 1;
      } catch (error) {
        if (error instanceof DomainError && (error.kind === 'conflict' || error.kind === 'not_found')) {
          skipped += 1; // changed since it was indexed: its new state decides
        } else {
          failed += 1;
          logger.error('number job step failed', { job, number: item.number, error: error as Error });
        }
      }
    }
  }
  return { job, at, processed, skipped, failed };
}

export const sweepHolds = (at: string, config: NumbersConfig) =>
  sweep('number-hold-expiry', [{ timer: 'hold', commands: () => [{ type: 'expire_hold' }] }], at, config);

export const sweepRetention = (at: string, config: NumbersConfig) =>
  sweep(
    'number-retention-expiry',
    [{ timer: 'retention', commands: () => [{ type: 'expire_retention' }, { type: 'start_quarantine' }] }],
    at,
    config,
  );

export const sweepNotices = (at: string, config: NumbersConfig) =>
  sweep(
    'number-cancellation-notice',
    [{ timer: 'notice', commands: () => [{ type: 'complete_cancellation' }, { type: 'start_quarantine' }] }],
    at,
    config,
  );

export const sweepQuarantine = (at: string, config: NumbersConfig) =>
  sweep(
    'number-quarantine',
    [
      // Cancelled numbers whose quarantine did not start (an interrupted run) start it now.
      { timer: 'quarantine-start', commands: () => [{ type: 'start_quarantine' }] },
      { timer: 'quarantine', commands: () => [{ type: 'release_quarantine' }] },
    ],
    at,
    config,
  );

/**
 * Arrears: active numbers of tenants whose account is in arrears stop; stopped numbers whose account is
 * back in credit restore; stopped numbers past the restore window are cancelled (and quarantined).
 */
export async function sweepArrears(at: string, config: NumbersConfig): Promise<JobReport> {
  const expired = await sweep(
    'number-arrears',
    [{ timer: 'arrears', commands: () => [{ type: 'expire_arrears' }, { type: 'start_quarantine' }] }],
    at,
    config,
  );
  let processed = expired.processed;
  let skipped = expired.skipped;
  let failed = expired.failed;
  const accounts = new Map<string, string | undefined>();
  const accountStatus = async (tenantId: string) => {
    if (!accounts.has(tenantId)) {
      const result = await dynamo().send(
        new GetCommand({ TableName: tableName('ledger'), Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' } }),
      );
      accounts.set(tenantId, result.Item?.status as string | undefined);
    }
    return accounts.get(tenantId);
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: tableName('numbers'),
        FilterExpression: '#type = :number AND (#status = :active OR #status = :stopped)',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: {
          ':number': 'number',
          ':active': 'active',
          ':stopped': 'arrears_stopped',
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of (page.Items ?? []) as NumberItem[]) {
      const status = await accountStatus(item.tenantId as string);
      const command: LifecycleCommand | undefined =
        item.status === 'active' && status === 'arrears'
          ? { type: 'stop_for_arrears' }
          : item.status === 'arrears_stopped' && status === 'active'
            ? { type: 'restore_after_payment' }
            : undefined;
      if (!command) continue;
      try {
        await runCommand(item.number, command, { at, actor: 'job:number-arrears', config });
        processed += 1;
      } catch (error) {
        if (error instanceof DomainError) skipped += 1;
        else {
          failed += 1;
          logger.error('number arrears step failed', { number: item.number, error: error as Error });
        }
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { job: 'number-arrears', at, processed, skipped, failed };
}
