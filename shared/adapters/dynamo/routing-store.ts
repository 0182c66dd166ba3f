/**
 * Routing items in DynamoDB:
 *   routing NUM#<number> / CONFIG            head: current version, config, tenantId
 *   routing NUM#<number> / CONFIG#V<000001>  every version, kept (audit, rollback)
 *   routing NUM#<number> / APPLIED           what Connect holds: per resource key its spec hash and id
 *   routing ACCESS#<accessNumber> / SNAPSHOT  routing fields only (numbers owns the number fields), with
 *                                            calendarStamp + gsi1 keys when it uses the public calendar
 * and reads the number item (numbers NUM#<number> / NUMBER, owned by the numbers capability).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { conflict } from '../../domain/errors.js';
import type { CompiledRouting, RoutingConfig } from '../../domain/routing/types.js';
import { dynamo } from './client.js';
import { calendarIndexKeys } from './holiday-calendar-store.js';

export interface NumberFacts {
  readonly number: string;
  readonly tenantId?: string;
  readonly status: string;
  readonly segment?: string;
  readonly accessNumber?: string;
  readonly phoneNumberId?: string;
  readonly restrictions?: {
    readonly noMultiLevelTransfer?: boolean;
    readonly recordingAnnouncementRequired?: boolean;
  };
}

export interface StoredConfig {
  readonly number: string;
  readonly tenantId: string;
  readonly version: number;
  readonly config: RoutingConfig;
  readonly updatedAt: string;
}

export interface AppliedResource {
  readonly hash: string;
  readonly id: string;
  readonly arn: string;
  readonly kind: string;
}

export interface AppliedState {
  readonly resources: Readonly<Record<string, AppliedResource>>;
  readonly configVersion?: number;
  readonly snapshotHash?: string;
  readonly appliedAt?: string;
}

const versionSk = (v: number) => `CONFIG#V${String(v).padStart(6, '0')}`;

export async function getNumberFacts(number: string): Promise<NumberFacts | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: { pk: `NUM#${number}`, sk: 'NUMBER' } }),
  );
  return out.Item as NumberFacts | undefined;
}

export async function getConfig(number: string, version?: number): Promise<StoredConfig | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('routing'),
      Key: { pk: `NUM#${number}`, sk: version === undefined ? 'CONFIG' : versionSk(version) },
    }),
  );
  if (!out.Item) return undefined;
  const { number: n, tenantId, version: v, config, updatedAt } = out.Item as StoredConfig;
  return { number: n, tenantId, version: v, config, updatedAt };
}

/**
 * Stores a new version. `expectedVersion` (from If-Match) guards against overwriting someone else's edit;
 * without it the write still never skips or duplicates a version number.
 */
export async function putConfig(
  number: string,
  tenantId: string,
  config: RoutingConfig,
  at: string,
  expectedVersion?: number,
): Promise<StoredConfig> {
  const current = await getConfig(number);
  const previous = current?.version ?? 0;
  if (expectedVersion !== undefined && expectedVersion !== previous) {
    throw conflict(
      'version_mismatch',
      `the routing configuration is at version ${previous}, not ${expectedVersion}`,
      { currentVersion: previous },
    );
  }
  const version = previous + 1;
  const item = { number, tenantId, version, config, updatedAt: at };
  try {
    // Version row and head in one transaction: a crash can never leave a version the head does not name.
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('routing'),
              Item: { pk: `NUM#${number}`, sk: versionSk(version), type: 'routingConfigVersion', ...item },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName('routing'),
              Item: { pk: `NUM#${number}`, sk: 'CONFIG', type: 'routingConfig', ...item },
              ConditionExpression: previous === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
              ...(previous === 0 ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) {
      throw conflict('version_mismatch', 'the routing configuration changed meanwhile; read it again', {
        currentVersion: previous,
      });
    }
    throw error;
  }
  return item;
}

export async function getApplied(number: string): Promise<AppliedState> {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('routing'), Key: { pk: `NUM#${number}`, sk: 'APPLIED' } }),
  );
  const item = out.Item as AppliedState | undefined;
  return {
    resources: item?.resources ?? {},
    configVersion: item?.configVersion,
    snapshotHash: item?.snapshotHash,
    appliedAt: item?.appliedAt,
  };
}

/** Records one resource as applied right after Connect accepted it: the step a resumed apply skips. */
export async function saveAppliedResource(
  number: string,
  key: string,
  resource: AppliedResource | undefined,
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('routing'),
      Key: { pk: `NUM#${number}`, sk: 'APPLIED' },
      UpdateExpression: 'SET #type = :type, resources = if_not_exists(resources, :empty)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'routingApplied', ':empty': {} },
    }),
  );
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('routing'),
      Key: { pk: `NUM#${number}`, sk: 'APPLIED' },
      UpdateExpression: resource ? 'SET resources.#key = :resource' : 'REMOVE resources.#key',
      ExpressionAttributeNames: { '#key': key },
      ...(resource ? { ExpressionAttributeValues: { ':resource': resource } } : {}),
    }),
  );
}

export async function markApplied(
  number: string,
  configVersion: number,
  snapshotHash: string,
  at: string,
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('routing'),
      Key: { pk: `NUM#${number}`, sk: 'APPLIED' },
      UpdateExpression: 'SET configVersion = :v, snapshotHash = :h, appliedAt = :at',
      ExpressionAttributeValues: { ':v': configVersion, ':h': snapshotHash, ':at': at },
    }),
  );
}

/**
 * Writes the routing fields of the snapshot; the number fields stay the numbers capability's.
 * `calendarStamp`: the public holiday calendar the routing was compiled with, when the config uses it
 * (indexed so the holiday-recompile job finds the snapshots a newer calendar leaves stale); absent, the
 * stamp and index keys are removed.
 */
export async function writeSnapshotRouting(
  accessNumber: string,
  facts: NumberFacts,
  routing: CompiledRouting,
  routingVersion: number,
  worstRatePerMinute: number,
  calendarStamp?: string,
): Promise<void> {
  const index = calendarStamp ? calendarIndexKeys(calendarStamp, accessNumber) : undefined;
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('routing'),
      Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
      // number400/tenantId/numberStatus are set only if numbers has not written them yet.
      UpdateExpression:
        'SET #type = :type, routing = :routing, routingVersion = :version, worstRatePerMinute = :rate, ' +
        'number400 = if_not_exists(number400, :n), tenantId = if_not_exists(tenantId, :t), numberStatus = if_not_exists(numberStatus, :s)' +
        (index
          ? ', calendarStamp = :stamp, gsi1pk = :gpk, gsi1sk = :gsk'
          : ' REMOVE calendarStamp, gsi1pk, gsi1sk'),
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ...(index ? { ':stamp': calendarStamp, ':gpk': index.gsi1pk, ':gsk': index.gsi1sk } : {}),
        ':type': 'routingSnapshot',
        ':routing': routing,
        ':version': routingVersion,
        ':rate': worstRatePerMinute,
        ':n': facts.number,
        ':t': facts.tenantId ?? '',
        ':s': facts.status,
      },
    }),
  );
}

export async function getSnapshot(accessNumber: string): Promise<Record<string, unknown> | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('routing'),
      Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
    }),
  );
  return out.Item;
}
