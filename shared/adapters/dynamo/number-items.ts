/**
 * The number item and its history in the numbers table, and the one way a lifecycle transition is written:
 * the whole item replaced under a version condition, its history row beside it, and any extra writes the
 * caller needs in the same transaction. Index attributes follow from the state, never set by hand.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { Segment, TierId } from '../../domain/numbers/config.js';
import type { LifecycleState, NumberStatus } from '../../domain/numbers/lifecycle.js';
import { dynamo } from './client.js';
import { queryPages } from './paging.js';

export interface Restrictions {
  readonly noMultiLevelTransfer: boolean;
  readonly recordingAnnouncementRequired: boolean;
}

export interface NumberItem extends LifecycleState {
  readonly pk: string;
  readonly sk: 'NUMBER';
  readonly type: 'number';
  readonly number: string;
  readonly segment: Segment;
  readonly tier: TierId;
  readonly tierRank: number;
  readonly selectionFee: number;
  readonly pattern?: string;
  readonly phoneNumberId?: string;
  readonly restrictions?: Restrictions;
  readonly contractId?: string;
  /** The contract's plan (rating applies its included minutes); set on activation, kept on transfer. */
  readonly planId?: string;
  readonly version: number;
  readonly importedAt: string;
  readonly updatedAt: string;
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

/** Attributes a command may set on the number beside its lifecycle state. */
export type NumberExtra = Partial<
  Pick<NumberItem, 'phoneNumberId' | 'restrictions' | 'contractId' | 'planId'>
>;

export const numberKey = (number: string) => ({ pk: `NUM#${number}`, sk: 'NUMBER' as const });
export const availabilityPartition = (segment: string) => `AVAIL#${segment}`;
export const tenantNumbersPartition = (tenantId: string) => `TENANT#${tenantId}#numbers`;
export const duePartition = (timer: Timer) => `DUE#${timer}`;

export type Timer = 'hold' | 'retention' | 'arrears' | 'notice' | 'quarantine-start' | 'quarantine';

/** The one timer each status may run, swept by the jobs through gsi3. */
export function timerOf(state: LifecycleState, at: string): { timer: Timer; due: string } | undefined {
  switch (state.status) {
    case 'reserved':
      return state.holdExpiresAt ? { timer: 'hold', due: state.holdExpiresAt } : undefined;
    case 'suspended':
      return state.retentionEndsAt ? { timer: 'retention', due: state.retentionEndsAt } : undefined;
    case 'arrears_stopped':
      return state.arrearsRestoreBy ? { timer: 'arrears', due: state.arrearsRestoreBy } : undefined;
    case 'cancellation_requested':
      return state.cancellationEffectiveAt
        ? { timer: 'notice', due: state.cancellationEffectiveAt }
        : undefined;
    case 'cancelled':
      return { timer: 'quarantine-start', due: at };
    case 'quarantined':
      return state.quarantineUntil ? { timer: 'quarantine', due: state.quarantineUntil } : undefined;
    default:
      return undefined;
  }
}

const LIFECYCLE_FIELDS = [
  'status',
  'tenantId',
  'holdExpiresAt',
  'applicationId',
  'accessNumber',
  'suspendedAt',
  'retentionUsedDays',
  'retentionEndsAt',
  'arrearsRestoreBy',
  'transferTo',
  'cancellationEffectiveAt',
  'statusBeforeCancellation',
  'previousTenantId',
  'quarantinedAt',
  'quarantineUntil',
] as const;

export function lifecycleOf(item: NumberItem): LifecycleState {
  const state: Record<string, unknown> = {};
  for (const field of LIFECYCLE_FIELDS) if (item[field] !== undefined) state[field] = item[field];
  return state as unknown as LifecycleState;
}

/** The item after a transition: static attributes kept, lifecycle fields and indexes recomputed. */
export function nextItem(
  item: NumberItem,
  state: LifecycleState,
  at: string,
  extra: NumberExtra = {},
): NumberItem {
  const base: Record<string, unknown> = { ...item, ...extra };
  for (const field of LIFECYCLE_FIELDS) delete base[field];
  for (const key of ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk']) delete base[key];
  const owned = state.tenantId !== undefined;
  if (!owned) {
    delete base.restrictions;
    delete base.phoneNumberId;
    delete base.contractId;
    delete base.planId;
  }
  const timer = timerOf(state, at);
  const searchable = state.status === 'available' || state.status === 'reserved';
  return {
    ...(base as unknown as NumberItem),
    ...state,
    version: item.version + 1,
    updatedAt: at,
    ...(searchable
      ? { gsi1pk: availabilityPartition(item.segment), gsi1sk: `${item.tierRank}#${item.number}` }
      : {}),
    ...(owned ? { gsi2pk: tenantNumbersPartition(state.tenantId as string), gsi2sk: item.number } : {}),
    ...(timer ? { gsi3pk: duePartition(timer.timer), gsi3sk: `${timer.due}#${item.number}` } : {}),
  };
}

export interface HistoryEntry {
  readonly at: string;
  readonly from: NumberStatus;
  readonly to: NumberStatus;
  readonly command: string;
  readonly actor: string;
  readonly tenantId?: string;
  readonly note?: string;
}

export async function getNumberItem(number: string): Promise<NumberItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: numberKey(number), ConsistentRead: true }),
  );
  return result.Item as NumberItem | undefined;
}

/** Replaces the number item if nobody changed it since `item` was read; writes the history row beside it. */
export function transitionWrites(item: NumberItem, next: NumberItem, history: HistoryEntry): TransactItem[] {
  const table = tableName('numbers');
  return [
    {
      Put: {
        TableName: table,
        Item: next,
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': item.version },
      },
    },
    {
      Put: {
        TableName: table,
        Item: {
          pk: item.pk,
          sk: `HIST#${history.at}#${String(next.version).padStart(8, '0')}`,
          type: 'number_history',
          number: item.number,
          ...history,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

/** Which of a transaction's actions failed its condition (indexes into TransactItems). */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? [])
    .map((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? index : -1))
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
