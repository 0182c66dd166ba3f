/**
 * Tariff versions (ops TARIFFS / <planId>#<effectiveFrom>); a version awaiting its notices is also on gsi1
 * `TARIFF#pending`, which it leaves once applied and announced.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { TariffVersion } from '../../domain/billing/tariffs.js';
import type { StoredTariff, TariffStore } from '../../ports/tariffs.js';
import { type Item, queryAll } from './billing-dynamo.js';
import { dynamo, isConditionFailure } from './client.js';

const PENDING = 'TARIFF#pending';
const tariffKey = (version: TariffVersion) => ({
  pk: 'TARIFFS',
  sk: `${version.planId}#${version.effectiveFrom}`,
});

function fromItem(item: Item): StoredTariff {
  const price = (k: 'monthlyRent' | 'minimumSpend' | 'retentionFee') =>
    typeof item[k] === 'number' ? { [k]: item[k] as number } : {};
  return {
    planId: String(item.planId),
    effectiveFrom: String(item.effectiveFrom),
    ...price('monthlyRent'),
    ...price('minimumSpend'),
    ...price('retentionFee'),
    ...(item.rates && typeof item.rates === 'object'
      ? { rates: item.rates as NonNullable<TariffVersion['rates']> }
      : {}),
    description: String(item.description ?? ''),
    scheduledAt: String(item.scheduledAt),
    scheduledBy: String(item.scheduledBy),
    noticeState: item.noticeState === 'done' ? 'done' : 'pending',
    ...(typeof item.notifiedAt === 'string' ? { notifiedAt: item.notifiedAt } : {}),
  };
}

async function create(version: TariffVersion, scheduledBy: string): Promise<StoredTariff | undefined> {
  const item = {
    ...tariffKey(version),
    type: 'tariff_version',
    ...version,
    scheduledBy,
    noticeState: 'pending',
    gsi1pk: PENDING,
    gsi1sk: `${version.scheduledAt}#${version.planId}#${version.effectiveFrom}`,
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('ops'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return fromItem(item);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

async function list(): Promise<StoredTariff[]> {
  const items = await queryAll({
    TableName: tableName('ops'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'TARIFFS' },
  });
  return items.map(fromItem);
}

/** The first page of the pending index: the job runs daily, and a handful of versions are ever pending. */
async function pending(): Promise<StoredTariff[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('ops'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': PENDING },
    }),
  );
  return (out.Items ?? []).map(fromItem);
}

async function markNotified(version: TariffVersion, at: string, contractsUpdated: number): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('ops'),
      Key: tariffKey(version),
      UpdateExpression:
        'SET noticeState = :done, notifiedAt = :at, contractsUpdated = :n REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeValues: { ':done': 'done', ':at': at, ':n': contractsUpdated },
    }),
  );
}

export const dynamoTariffs: TariffStore = { create, list, pending, markNotified };
