/** What a tenant sees of its numbers: only its own, and only its own part of their history. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { notFound } from '../../domain/errors.js';
import { currentOwner, effectiveStatus } from '../../domain/numbers/lifecycle.js';
import type { Page } from '../../ports/paging.js';
import { dynamo } from './client.js';
import { getNumberItem, type HistoryEntry, type NumberItem, tenantNumbersPartition } from './number-items.js';
import { queryPage } from './paging.js';

export interface NumberView {
  readonly number: string;
  readonly segment: string;
  readonly tier: string;
  readonly selectionFee: number;
  readonly status: string;
  readonly holdExpiresAt?: string;
  readonly applicationId?: string;
  readonly accessNumber?: string;
  readonly restrictions?: NumberItem['restrictions'];
  readonly contractId?: string;
  readonly planId?: string;
  readonly retentionEndsAt?: string;
  readonly arrearsRestoreBy?: string;
  readonly cancellationEffectiveAt?: string;
  readonly transferTo?: string;
  readonly updatedAt: string;
}

export function numberView(item: NumberItem, at: string): NumberView {
  const pick = <K extends keyof NumberItem>(key: K) => (item[key] !== undefined ? { [key]: item[key] } : {});
  return {
    number: item.number,
    segment: item.segment,
    tier: item.tier,
    selectionFee: item.selectionFee,
    status: effectiveStatus(item, at),
    ...pick('holdExpiresAt'),
    ...pick('applicationId'),
    ...pick('accessNumber'),
    ...pick('restrictions'),
    ...pick('contractId'),
    ...pick('planId'),
    ...pick('retentionEndsAt'),
    ...pick('arrearsRestoreBy'),
    ...pick('cancellationEffectiveAt'),
    ...pick('transferTo'),
    updatedAt: item.updatedAt,
  } as NumberView;
}

export async function listTenantNumbers(
  tenantId: string,
  limit: number,
  cursor: string | undefined,
  at: string,
): Promise<Page<NumberView>> {
  const partition = tenantNumbersPartition(tenantId);
  const page = await queryPage<NumberItem>(
    {
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    },
    { partitionKey: 'gsi2pk', partition, limit, cursor },
  );
  const items = page.items
    .filter((item) => currentOwner(item, at) === tenantId)
    .map((item) => numberView(item, at));
  return { ...page, items };
}

/** Reads a number the tenant owns; anything else is a 404, so foreign numbers are indistinguishable from none. */
export async function requireOwnedNumber(tenantId: string, number: string, at: string): Promise<NumberItem> {
  const item = await getNumberItem(number);
  if (!item || currentOwner(item, at) !== tenantId)
    throw notFound('number_not_found', 'no such number among yours');
  return item;
}

export async function numberHistory(number: string, tenantId: string): Promise<HistoryEntry[]> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': `NUM#${number}`, ':h': 'HIST#' },
    }),
  );
  return ((result.Items ?? []) as (HistoryEntry & Record<string, unknown>)[])
    .filter((h) => h.tenantId === tenantId)
    .map(({ at, from, to, command, actor, note }) => ({
      at,
      from,
      to,
      command,
      actor,
      ...(note ? { note } : {}),
    }));
}

export async function getTenantNumber(tenantId: string, number: string, at: string) {
  const item = await requireOwnedNumber(tenantId, number, at);
  return { ...numberView(item, at), history: await numberHistory(number, tenantId) };
}
