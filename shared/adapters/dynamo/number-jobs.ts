/**
 * The lifecycle's timers. Each number runs at most one timer, indexed in gsi3 (`DUE#<timer>`,
 * `<due instant>#<number>`); a job reads what is due at `at` and applies the command that timer triggers.
 * A transition moves the number off that timer, so running a job twice changes nothing the second time;
 * a number someone changed meanwhile is skipped (its new state decides).
 */
import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import type { LedgerPort } from '../../domain/ledger/types.js';
import { type ArrearsWatch, arrearsStep } from '../../domain/numbers/arrears.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { logger } from '../../observability.js';
import { dynamo } from './client.js';
import { effectWrite, type PendingEffect, retryDueEffects, runEffects } from './number-effects.js';
import { holdConsumedWrite } from './number-inventory.js';
import {
  dueBefore,
  duePartition,
  failedConditions,
  type NumberItem,
  type Timer,
  type TransactItem,
  tenantNumbersPartition,
  transact,
} from './number-items.js';
import { runCommand } from './number-lifecycle.js';
import { queryAll, scanPages } from './paging.js';

export interface JobReport {
  readonly job: string;
  readonly at: string;
  readonly processed: number;
  readonly skipped: number;
  readonly failed: number;
}

async function* due(timer: Timer, at: string): AsyncGenerator<NumberItem> {
  for await (const item of dueBefore(duePartition(timer), at)) yield item as unknown as NumberItem;
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

const WATCH_SK = 'ARREARS';
const watchKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: WATCH_SK });

interface TenantNumbers {
  readonly active: string[];
  readonly stopped: string[];
}

/** Every tenant with a number that is active or stopped for arrears (one scan, only the fields needed). */
async function tenantsWithLiveNumbers(): Promise<Map<string, TenantNumbers>> {
  const tenants = new Map<string, TenantNumbers>();
  const pages = scanPages({
    TableName: tableName('numbers'),
    FilterExpression: '#type = :number AND (#status = :active OR #status = :stopped)',
    ProjectionExpression: '#number, tenantId, #status',
    ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#number': 'number' },
    ExpressionAttributeValues: { ':number': 'number', ':active': 'active', ':stopped': 'arrears_stopped' },
  });
  for await (const page of pages) {
    for (const item of page) {
      const tenantId = item.tenantId as string | undefined;
      if (!tenantId) continue;
      const entry = tenants.get(tenantId) ?? { active: [], stopped: [] };
      (item.status === 'active' ? entry.active : entry.stopped).push(item.number as string);
      tenants.set(tenantId, entry);
    }
  }
  return tenants;
}

type Item = Record<string, unknown>;

/** Accounts (ledger) and arrears watches (numbers) of these tenants, 50 tenants per BatchGet. */
async function accountsAndWatches(tenantIds: readonly string[]) {
  const accounts = new Map<string, Item>();
  const watches = new Map<string, Item>();
  const ledger = tableName('ledger');
  const numbers = tableName('numbers');
  for (let i = 0; i < tenantIds.length; i += 50) {
    const chunk = tenantIds.slice(i, i + 50);
    let request: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> | undefined = {
      [ledger]: { Keys: chunk.map((t) => ({ pk: `ACCT#${t}`, sk: 'ACCOUNT' })), ConsistentRead: true },
      [numbers]: { Keys: chunk.map((t) => watchKey(t)), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: request }),
      );
      for (const item of result.Responses?.[ledger] ?? [])
        accounts.set(String(item.pk).slice('ACCT#'.length), item);
      for (const item of result.Responses?.[numbers] ?? [])
        watches.set(String(item.pk).slice('TENANT#'.length), item);
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return { accounts, watches };
}

/** How long a forgotten watch (a tenant that left with its numbers) stays before the table drops it. */
const watchExpiry = (since: string, config: NumbersConfig) =>
  Math.floor(Date.parse(since) / 1000) + (config.arrearsGraceDays + config.arrearsRestoreDays + 30) * 86_400;

export interface ArrearsReport extends JobReport {
  readonly stopped: number;
  readonly restored: number;
  readonly cancelled: number;
  readonly notified: number;
}

/**
 * Arrears, per tenant: an account in arrears past the grace period (from the account's `arrearsSince`, or
 * from when this job first saw it) has its active numbers stopped and the tenant is told once per arrears
 * episode (a durable notice written with the tenant's watch item); an account back in credit gets its
 * stopped numbers restored (routing snapshot included). Then stopped numbers whose restore window ran out
 * are cancelled and quarantined. Restores go first, so a tenant who paid is never cancelled by lateness.
 */
export async function sweepArrears(at: string, config: NumbersConfig): Promise<ArrearsReport> {
  const actor = 'job:number-arrears';
  let stopped = 0;
  let restored = 0;
  let notified = 0;
  let skipped = 0;
  let failed = 0;
  const step = async (number: string, command: LifecycleCommand): Promise<boolean> => {
    try {
      await runCommand(number, command, { at, actor, config });
      return true;
    } catch (error) {
      if (error instanceof DomainError) skipped += 1;
      else {
        failed += 1;
        logger.error('number arrears step failed', { number, error: error as Error });
      }
      return false;
    }
  };
  const tenants = await tenantsWithLiveNumbers();
  const { accounts, watches } = await accountsAndWatches([...tenants.keys()]);
  for (const [tenantId, numbers] of tenants) {
    const watchItem = watches.get(tenantId);
    const watch: ArrearsWatch | undefined = watchItem
      ? {
          since: String(watchItem.since),
          ...(typeof watchItem.stoppedFor === 'string' ? { stoppedFor: watchItem.stoppedFor } : {}),
        }
      : undefined;
    const account = accounts.get(tenantId);
    const decision = arrearsStep(
      account
        ? {
            ...(typeof account.status === 'string' ? { status: account.status } : {}),
            ...(typeof account.arrearsSince === 'string' ? { arrearsSince: account.arrearsSince } : {}),
          }
        : undefined,
      watch,
      at,
      config,
    );
    try {
      if (decision.action === 'restore') {
        for (const n of numbers.stopped) if (await step(n, { type: 'restore_after_payment' })) restored += 1;
        if (watchItem)
          await dynamo().send(
            new DeleteCommand({ TableName: tableName('numbers'), Key: watchKey(tenantId) }),
          );
        continue;
      }
      const watchPut = (extra: Item): TransactItem => ({
        Put: {
          TableName: tableName('numbers'),
          Item: {
            ...watchKey(tenantId),
            type: 'arrears_watch',
            tenantId,
            since: decision.since,
            firstSeenAt: (watchItem?.firstSeenAt as string | undefined) ?? at,
            expiresAt: watchExpiry(decision.since, config),
            updatedAt: at,
            ...extra,
          },
        },
      });
      if (decision.action === 'wait') {
        if (decision.remember) await transact([watchPut({ graceEndsAt: decision.graceEndsAt })]);
        continue;
      }
      const newlyStopped: string[] = [];
      for (const n of numbers.active) if (await step(n, { type: 'stop_for_arrears' })) newlyStopped.push(n);
      stopped += newlyStopped.length;
      const all = [...numbers.stopped, ...newlyStopped].sort();
      if (!decision.notify || all.length === 0) continue;
      const notice: PendingEffect = {
        effectId: `arrears#${tenantId}#${decision.since}`,
        at,
        payload: {
          kind: 'notify',
          notification: {
            tenantId,
            kind: 'arrears',
            subject: 'Your 400 numbers are stopped: balance exhausted',
            text: `Your balance has been exhausted since ${decision.since}, so ${all.length === 1 ? `400 number ${all[0]} is` : `your 400 numbers ${all.join(', ')} are`} stopped. Top up within ${config.arrearsRestoreDays} days to restore service; after that the numbers are cancelled.`,
            dedupeKey: `arrears-stop#${tenantId}#${decision.since}`,
            attributes: { numbers: all.join(',') },
          },
        },
      };
      try {
        await transact([watchPut({ stoppedFor: decision.since, stoppedAt: at }), effectWrite(notice)]);
      } catch (error) {
        if (!failedConditions(error)) throw error;
        continue; // this episode's notice is already recorded (a concurrent run)
      }
      await runEffects([notice], at, { config });
      notified += 1;
    } catch (error) {
      failed += 1;
      logger.error('number arrears tenant step failed', { tenantId, error: error as Error });
    }
  }
  const expired = await sweep(
    'number-arrears',
    [{ timer: 'arrears', commands: () => [{ type: 'expire_arrears' }, { type: 'start_quarantine' }] }],
    at,
    config,
  );
  return {
    job: 'number-arrears',
    at,
    processed: stopped + restored + expired.processed,
    skipped: skipped + expired.skipped,
    failed: failed + expired.failed,
    stopped,
    restored,
    cancelled: expired.processed,
    notified,
  };
}

/** Job number-effects: lifecycle side effects that failed after their commit, retried until done. */
export const sweepEffects = (at: string, config: NumbersConfig, ledger?: LedgerPort) =>
  retryDueEffects(at, { config, ...(ledger ? { ledger } : {}) });

/**
 * Restores a tenant's arrears-stopped numbers right after a payment brought its account back to active,
 * so calls resume at once rather than at the next hourly sweep (which stays the backstop). Each restore is
 * the lifecycle's own `restore_after_payment` transition, so running this twice changes nothing.
 */
export async function restoreAfterPayment(
  tenantId: string,
  at: string,
  config: NumbersConfig,
): Promise<number> {
  const stopped = (
    await queryAll({
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :partition',
      FilterExpression: '#status = :stopped',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':partition': tenantNumbersPartition(tenantId),
        ':stopped': 'arrears_stopped',
      },
    })
  ).map((item) => String(item.number));
  let restored = 0;
  for (const number of stopped) {
    try {
      await runCommand(number, { type: 'restore_after_payment' }, { at, actor: 'payment', config });
      restored += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  if (stopped.length > 0)
    await dynamo().send(new DeleteCommand({ TableName: tableName('numbers'), Key: watchKey(tenantId) }));
  return restored;
}
