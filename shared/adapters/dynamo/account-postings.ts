/**
 * Deferred postings (see shared/domain/ledger/postings.ts): the posting items ACCT#<tenantId> /
 * POSTING#<key>, pending ones also on the ledger table's gsi2 under POSTINGS#pending (sparse; the call
 * queries use CALLS#… partitions only), and the transaction that applies them to the account once.
 * Allowance buckets owing re-settlements are on the same partition (./allowance-items.ts), so the one
 * sweep query finds both kinds of work a crashed or abandoned run left.
 */

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { alertFor } from '../../domain/accounts/account.js';
import { applyPostings, type Posting } from '../../domain/ledger/postings.js';
import { localDay } from '../../domain/zoned-time.js';
import type { Notification } from '../../ports/notifications.js';
import { outboxPutAction } from './account-alerts.js';
import {
  batchGet,
  isTransactionConflict,
  putAccountAction,
  readAccount,
  type TransactItem,
} from './account-store.js';
import { dynamo } from './client.js';
import { queryFirstPage } from './paging.js';

/** gsi2 partition of work left pending: deferred postings, and buckets owing re-settlements. */
export const PENDING = 'POSTINGS#pending';
/** Postings per applying transaction: the account and a few alerts take the rest of the 100 actions. */
export const POSTINGS_PER_APPLY = 90;

export const postingKey = (tenantId: string, key: string) => ({
  pk: `ACCT#${tenantId}`,
  sk: `POSTING#${key}`,
});

export function postingPutAction(posting: Posting, at: string): TransactItem {
  return {
    Put: {
      TableName: tableName('ledger'),
      Item: {
        ...postingKey(posting.tenantId, posting.key),
        type: 'posting',
        ...posting,
        applied: false,
        createdAt: at,
        gsi2pk: PENDING,
        gsi2sk: `${at}#${posting.tenantId}#${posting.key}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function postingApplyAction(posting: Posting, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName('ledger'),
      Key: postingKey(posting.tenantId, posting.key),
      UpdateExpression: 'SET applied = :t, appliedAt = :at REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'applied = :f',
      ExpressionAttributeValues: { ':t': true, ':f': false, ':at': at },
    },
  };
}

function postingFromItem(item: Record<string, unknown>): Posting & { applied: boolean } {
  return {
    key: String(item.key),
    tenantId: String(item.tenantId),
    amount: Number(item.amount),
    spend: (item.spend ?? {}) as Record<string, number>,
    includedMonth: typeof item.includedMonth === 'string' ? item.includedMonth : undefined,
    includedDelta: Number(item.includedDelta ?? 0),
    calls: Number(item.calls ?? 0),
    applied: item.applied === true,
  };
}

/**
 * Applies whichever of the given postings are still pending, once; retried on a lost race. Returns how
 * many were applied and the alerts committed with them (to publish).
 */
export async function applyPendingPostings(
  tenantId: string,
  keys: readonly string[],
  zone: string,
  now: Date,
  refusalRatePerMinute: number,
): Promise<{ applied: number; alerts: Notification[] }> {
  let applied = 0;
  const alerts: Notification[] = [];
  const at = now.toISOString();
  for (let i = 0; i < keys.length; i += POSTINGS_PER_APPLY) {
    const chunk = keys.slice(i, i + POSTINGS_PER_APPLY);
    for (let attempt = 0; ; attempt++) {
      if (attempt >= 12) throw new Error(`could not apply postings of ${tenantId}: account busy`);
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 10 * 2 ** attempt)));
      const [stored, items] = await Promise.all([
        readAccount(tenantId, localDay(zone, now.getTime())),
        batchGet(
          'ledger',
          chunk.map((k) => postingKey(tenantId, k)),
        ),
      ]);
      const pending = [...items.values()].map(postingFromItem).filter((p) => !p.applied);
      if (pending.length === 0) break;
      const { account, crossings } = applyPostings(stored.account, pending, refusalRatePerMinute);
      const chunkAlerts = crossings.map((c) => alertFor(account, c));
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              putAccountAction(stored, account, at),
              ...pending.map((p) => postingApplyAction(p, at)),
              ...chunkAlerts.map((a) => outboxPutAction(a, at)),
            ],
          }),
        );
        applied += pending.length;
        alerts.push(...chunkAlerts);
        break;
      } catch (error) {
        if (!isTransactionConflict(error) || (error as Error).name === 'ConditionalCheckFailedException')
          throw error;
      }
    }
  }
  return { applied, alerts };
}

/**
 * Applies postings left pending for longer than `olderThanMs` (a crash between the two phases); returns
 * the allowance buckets found owing re-settlements as long (their store finishes them). Crossings are
 * decided at `refusalRatePerMinute`, the refusal point's rate at `now`.
 */
export async function sweepPendingPostings(
  zone: string,
  now: Date,
  refusalRatePerMinute: number,
  olderThanMs = 60_000,
  limit = 50,
  warn?: (message: string, details: Record<string, unknown>) => void,
): Promise<{ applied: number; alerts: Notification[]; owing: { tenantId: string; key: string }[] }> {
  const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
  const items = await queryFirstPage({
    TableName: tableName('ledger'),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :cutoff',
    ExpressionAttributeValues: { ':p': PENDING, ':cutoff': cutoff },
    Limit: limit,
  });
  const byTenant = new Map<string, string[]>();
  const owing: { tenantId: string; key: string }[] = [];
  for (const item of items) {
    if (item.type === 'allowance') {
      owing.push({ tenantId: String(item.tenantId), key: String(item.key) });
      continue;
    }
    const keys = byTenant.get(String(item.tenantId));
    if (keys) keys.push(String(item.key));
    else byTenant.set(String(item.tenantId), [String(item.key)]);
  }
  let applied = 0;
  const alerts: Notification[] = [];
  for (const [tenantId, keys] of byTenant) {
    try {
      const result = await applyPendingPostings(tenantId, keys, zone, now, refusalRatePerMinute);
      applied += result.applied;
      alerts.push(...result.alerts);
    } catch (error) {
      warn?.('pending postings not applied yet', { tenantId, error });
    }
  }
  return { applied, alerts, owing };
}
