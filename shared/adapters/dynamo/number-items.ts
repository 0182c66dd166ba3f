/**
 * The number item in the numbers table: the record under its keys, with index attributes that follow from
 * its state (never set by hand): gsi1 the searchable pool, gsi2 the owner's numbers, gsi3 the one timer
 * its status runs. Also the table's transaction helpers the number stores share.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { type NumberRecord, type Timer, timerOf } from '../../domain/numbers/number.js';
import { cancellationReasons, dynamo } from './client.js';
import { queryPages } from './paging.js';

export type { HistoryEntry, NumberExtra, Restrictions, Timer } from '../../domain/numbers/number.js';
export { lifecycleOf, timerOf } from '../../domain/numbers/number.js';

export interface NumberItem extends NumberRecord {
  readonly pk: string;
  readonly sk: 'NUMBER';
  readonly type: 'number';
  readonly gsi1pk?: string;
  readonly gsi1sk?: string;
  readonly gsi2pk?: string;
  readonly gsi2sk?: string;
  readonly gsi3pk?: string;
  readonly gsi3sk?: string;
}

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

export const numberKey = (number: string) => ({ pk: `NUM#${number}`, sk: 'NUMBER' as const });
export const availabilityPartition = (segment: string) => `AVAIL#${segment}`;
export const tenantNumbersPartition = (tenantId: string) => `TENANT#${tenantId}#numbers`;
export const duePartition = (timer: Timer) => `DUE#${timer}`;

const STORAGE_FIELDS = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

/** The record an item holds (keys and index attributes left out). */
export function recordOf(item: Record<string, unknown>): NumberRecord {
  const record: Record<string, unknown> = { ...item };
  for (const field of STORAGE_FIELDS) delete record[field];
  return record as unknown as NumberRecord;
}

/** The item for a record: keys, and the indexes its state puts it on (its timer due from `updatedAt`). */
export function numberItem(record: NumberRecord): NumberItem {
  const owner = record.tenantId;
  const timer = timerOf(record, record.updatedAt);
  const searchable = record.status === 'available' || record.status === 'reserved';
  return {
    ...numberKey(record.number),
    type: 'number',
    ...recordOf(record as unknown as Record<string, unknown>),
    ...(searchable
      ? {
          gsi1pk: availabilityPartition(record.segment),
          gsi1sk: `${record.tierRank}#${record.number}`,
        }
      : {}),
    ...(owner !== undefined ? { gsi2pk: tenantNumbersPartition(owner), gsi2sk: record.number } : {}),
    ...(timer ? { gsi3pk: duePartition(timer.timer), gsi3sk: `${timer.due}#${record.number}` } : {}),
  };
}

export async function getNumberItem(number: string): Promise<NumberItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: numberKey(number), ConsistentRead: true }),
  );
  return result.Item as NumberItem | undefined;
}

/** Which of a transaction's actions failed its condition (indexes into TransactItems). */
export function failedConditions(error: unknown): number[] | undefined {
  return cancellationReasons(error)
    ?.map((code, index) => (code === 'ConditionalCheckFailed' ? index : -1))
    .filter((index) => index >= 0);
}

export async function transact(items: TransactItem[]): Promise<void> {
  await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
}

export const contractKey = (number: string, contractId: string) => ({
  pk: `NUM#${number}`,
  sk: `CONTRACT#${contractId}`,
});

export async function getContractItem(
  number: string,
  contractId: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: tableName('numbers'),
      Key: contractKey(number, contractId),
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/** Items on a timer partition (gsi3 `DUE#…`) that are due at or before `at`, page by page, oldest first. */
export async function* dueBefore(partition: string, at: string): AsyncGenerator<Record<string, unknown>> {
  for await (const page of queryPages({
    TableName: tableName('numbers'),
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :upper',
    ExpressionAttributeValues: { ':pk': partition, ':upper': `${at}#\uffff` },
  }))
    yield* page;
}
