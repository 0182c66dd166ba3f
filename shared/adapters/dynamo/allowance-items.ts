/**
 * Allowance buckets (shared/domain/ledger/allowances.ts) as items: ledger ACCT#<tenantId> /
 * ALLOWANCE#<YYYY-MM>#number#<400 number> or …#pool#<plan>, read in the same BatchGet as the accounts
 * and written, version after version (each conditioned on the one before), by every transaction of a
 * batch whose calls add or change its claims, with just those calls' claims (a claim is never written
 * without its call; one account's calls may touch any number of buckets: ./call-ingest.ts), and by the
 * transactions that carry out its pending re-settlements.
 * A bucket owing re-settlements is also on gsi2's pending partition (./account-postings.ts): the sweep
 * finishes them if no batch touching the bucket comes back. Only plans with included minutes have one. They expire a year after their month (TTL).
 */
import { tableName } from '../../config.js';
import type { AllowanceBucket, AllowanceClaim } from '../../domain/ledger/allowances.js';
import { PENDING } from './account-postings.js';
import type { TransactItem } from './account-store.js';

type Item = Record<string, unknown>;

export const allowanceItemKey = (tenantId: string, key: string) => ({
  pk: `ACCT#${tenantId}`,
  sk: `ALLOWANCE#${key}`,
});
export const allowanceItemId = (tenantId: string, key: string) => `ACCT#${tenantId}|ALLOWANCE#${key}`;

/** A stored bucket, or undefined when the item is absent or not one. */
export function bucketFromItem(item: Item | undefined): AllowanceBucket | undefined {
  if (item?.type !== 'allowance') return undefined;
  const claims: Record<string, AllowanceClaim> = {};
  for (const [id, c] of Object.entries((item.claims ?? {}) as Record<string, Record<string, unknown>>))
    claims[id] = {
      startMs: Number(c.startMs),
      billedSeconds: Number(c.billedSeconds),
      freeSeconds: Number(c.freeSeconds),
      incrementSeconds: Number(c.incrementSeconds ?? 60),
    };
  return {
    key: String(item.key),
    month: String(item.month),
    scope: item.scope === 'pool' ? 'pool' : 'number',
    includedSeconds: Number(item.includedSeconds),
    claims,
    ...(item.pending && typeof item.pending === 'object'
      ? {
          pending: Object.fromEntries(
            Object.entries(item.pending as Record<string, unknown>).map(([id, v]) => [id, Number(v)]),
          ),
        }
      : {}),
    version: Number(item.version ?? 0),
  };
}

export function allowancePutAction(tenantId: string, bucket: AllowanceBucket, at: string): TransactItem {
  const [y, m] = bucket.month.split('-').map(Number) as [number, number];
  const expiresAt = Math.floor(Date.UTC(y + 1, m, 1) / 1000);
  const previous = bucket.version - 1;
  return {
    Put: {
      TableName: tableName('ledger'),
      Item: {
        ...allowanceItemKey(tenantId, bucket.key),
        type: 'allowance',
        tenantId,
        ...bucket,
        updatedAt: at,
        expiresAt,
        ...(Object.keys(bucket.pending ?? {}).length > 0
          ? { gsi2pk: PENDING, gsi2sk: `${at}#${tenantId}#ALLOWANCE#${bucket.key}` }
          : {}),
      },
      ...(previous === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': previous },
          }),
    },
  };
}
