/**
 * The routing store in DynamoDB (implements RoutingStore of shared/ports/routing.ts):
 *   routing NUM#<number> / CONFIG            head: current version, config, tenantId
 *   routing NUM#<number> / CONFIG#V<000001>  every version, kept (audit, rollback)
 *   routing NUM#<number> / APPLIED           what Connect holds: per resource key its spec hash and id
 *   routing NUM#<number> / APPLY_JOB         the latest apply job (./routing-apply-job-store.ts)
 *   routing ACCESS#<accessNumber> / SNAPSHOT  routing fields only (numbers owns the number fields), with
 *                                            calendarStamp + gsi1 keys when it uses the public calendar,
 *                                            and routingTenantId: whose configuration the routing is
 *   routing CALENDAR#CN / BACKFILL           the one-off backfill of unstamped snapshots: done or cursor
 *   routing BACKFILL#rate-steps / RECORD     the rate-steps backfill: the snapshot format it left every
 *                                            applied snapshot in, and when
 * and reads the number item (numbers NUM#<number> / NUMBER) and the account (ledger ACCT#<tenant> / ACCOUNT).
 * Clearing a number's routing when it changes hands is ./routing-hand-over.ts.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { AccountStatus, RateStep } from '../../domain/routing/types.js';
import type {
  AppliedResource,
  AppliedState,
  ListedSnapshot,
  NumberFacts,
  RateStepsBackfill,
  RoutingStore,
  SnapshotRouting,
  StoredConfig,
  StoredSnapshot,
} from '../../ports/routing.js';
import { dynamo } from './client.js';
import { CALENDAR_PK, CALENDAR_SNAPSHOTS_PK, calendarIndexKeys } from './holiday-calendar-store.js';
import { putVersioned, queryPages, scanPages } from './paging.js';

const versionSk = (v: number) => `CONFIG#V${String(v).padStart(6, '0')}`;
const BACKFILL_KEY = { pk: CALENDAR_PK, sk: 'BACKFILL' };
/** The rate-steps backfill's record: beside the snapshots it speaks of, so a restore takes both back. */
const RATE_STEPS_BACKFILL_KEY = { pk: 'BACKFILL#rate-steps', sk: 'RECORD' };
/** A snapshot whose rate steps are missing or empty (`:noSteps` = 0). */
const LACKING_STEPS = '(attribute_not_exists(rateSteps) OR size(rateSteps) = :noSteps)';
/** A snapshot item as scans list it: with the access number its key names. */
const listed = (item: Record<string, unknown>): ListedSnapshot => ({
  ...item,
  accessNumber: String(item.pk).replace(/^ACCESS#/, ''),
});

const isConditionFailure = (error: unknown) =>
  error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException;

async function get(table: 'routing' | 'numbers' | 'ledger', pk: string, sk: string) {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(table), Key: { pk, sk } }));
  return out.Item;
}

export class DynamoRoutingStore implements RoutingStore {
  async numberFacts(number: string): Promise<NumberFacts | undefined> {
    return (await get('numbers', `NUM#${number}`, 'NUMBER')) as NumberFacts | undefined;
  }

  async config(number: string, version?: number): Promise<StoredConfig | undefined> {
    const item = await get('routing', `NUM#${number}`, version === undefined ? 'CONFIG' : versionSk(version));
    if (!item) return undefined;
    const { number: n, tenantId, version: v, config, updatedAt } = item as StoredConfig;
    return { number: n, tenantId, version: v, config, updatedAt };
  }

  async putConfig(stored: StoredConfig, previousVersion: number): Promise<boolean> {
    const pk = `NUM#${stored.number}`;
    return putVersioned(
      tableName('routing'),
      { pk, sk: versionSk(stored.version), type: 'routingConfigVersion', ...stored },
      { pk, sk: 'CONFIG', type: 'routingConfig', ...stored },
      previousVersion,
    );
  }

  async applied(number: string): Promise<AppliedState> {
    const item = (await get('routing', `NUM#${number}`, 'APPLIED')) as AppliedState | undefined;
    return {
      resources: item?.resources ?? {},
      configVersion: item?.configVersion,
      snapshotHash: item?.snapshotHash,
      appliedAt: item?.appliedAt,
    };
  }

  async saveAppliedResource(
    number: string,
    key: string,
    resource: AppliedResource | undefined,
  ): Promise<void> {
    const Key = { pk: `NUM#${number}`, sk: 'APPLIED' };
    // The map must exist before a path inside it can be set.
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key,
        UpdateExpression: 'SET #type = :type, resources = if_not_exists(resources, :empty)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'routingApplied', ':empty': {} },
      }),
    );
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key,
        UpdateExpression: resource ? 'SET resources.#key = :resource' : 'REMOVE resources.#key',
        ExpressionAttributeNames: { '#key': key },
        ...(resource ? { ExpressionAttributeValues: { ':resource': resource } } : {}),
      }),
    );
  }

  async markApplied(number: string, configVersion: number, snapshotHash: string, at: string): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key: { pk: `NUM#${number}`, sk: 'APPLIED' },
        UpdateExpression: 'SET configVersion = :v, snapshotHash = :h, appliedAt = :at',
        ExpressionAttributeValues: { ':v': configVersion, ':h': snapshotHash, ':at': at },
      }),
    );
  }

  async writeSnapshotRouting(
    accessNumber: string,
    facts: NumberFacts,
    snapshot: SnapshotRouting,
  ): Promise<void> {
    const { calendarStamp } = snapshot;
    const index = calendarStamp ? calendarIndexKeys(calendarStamp, accessNumber) : undefined;
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('routing'),
        Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
        // number400/tenantId/numberStatus are set only if numbers has not written them yet.
        UpdateExpression:
          'SET #type = :type, routing = :routing, routingVersion = :version, worstRatePerMinute = :rate, rateSteps = :steps, routingTenantId = :rt, ' +
          'number400 = if_not_exists(number400, :n), tenantId = if_not_exists(tenantId, :t), numberStatus = if_not_exists(numberStatus, :s)' +
          (index
            ? ', calendarStamp = :stamp, gsi1pk = :gpk, gsi1sk = :gsk'
            : ' REMOVE calendarStamp, gsi1pk, gsi1sk'),
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ...(index ? { ':stamp': calendarStamp, ':gpk': index.gsi1pk, ':gsk': index.gsi1sk } : {}),
          ':type': 'routingSnapshot',
          ':routing': snapshot.routing,
          ':version': snapshot.routingVersion,
          ':rate': snapshot.worstRatePerMinute,
          ':steps': snapshot.rateSteps,
          ':rt': snapshot.tenantId,
          ':n': facts.number,
          ':t': facts.tenantId ?? '',
          ':s': facts.status,
        },
      }),
    );
  }

  async snapshot(accessNumber: string): Promise<StoredSnapshot | undefined> {
    return get('routing', `ACCESS#${accessNumber}`, 'SNAPSHOT');
  }

  async account(tenantId: string): Promise<AccountStatus | undefined> {
    const item = await get('ledger', `ACCT#${tenantId}`, 'ACCOUNT');
    if (!item) return undefined;
    return {
      balance: Number(item.balance ?? 0),
      spendDay: item.spendDay,
      spendToday: Number(item.spendToday ?? 0),
      dailyCap: item.dailyCap === undefined || item.dailyCap === null ? undefined : Number(item.dailyCap),
      status: String(item.status ?? 'active'),
    };
  }

  /** The stale part of the index: entries sorted below the current stamp, then above it. */
  async *staleCalendarSnapshots(stamp: string): AsyncGenerator<ListedSnapshot[]> {
    const ranges = [
      { condition: 'gsi1sk < :bound', bound: `${stamp}#` },
      // '$' sorts right after '#': everything past the current stamp's entries.
      { condition: 'gsi1sk >= :bound', bound: `${stamp}$` },
    ];
    for (const range of ranges) {
      for await (const page of queryPages({
        TableName: tableName('routing'),
        IndexName: 'gsi1',
        KeyConditionExpression: `gsi1pk = :pk AND ${range.condition}`,
        ExpressionAttributeValues: { ':pk': CALENDAR_SNAPSHOTS_PK, ':bound': range.bound },
      }))
        yield page.map(listed);
    }
  }

  async unindexSnapshot(accessNumber: string, indexedAs: unknown): Promise<void> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('routing'),
          Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk, calendarStamp',
          ConditionExpression: indexedAs === undefined ? 'attribute_exists(pk)' : 'gsi1sk = :was',
          ...(indexedAs === undefined ? {} : { ExpressionAttributeValues: { ':was': indexedAs } }),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async rateStepsBackfill(): Promise<RateStepsBackfill | undefined> {
    const item = await get('routing', RATE_STEPS_BACKFILL_KEY.pk, RATE_STEPS_BACKFILL_KEY.sk);
    return typeof item?.format === 'number' && typeof item.at === 'string'
      ? { format: item.format, at: item.at }
      : undefined;
  }

  async saveRateStepsBackfill(record: RateStepsBackfill): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('routing'),
        Item: { ...RATE_STEPS_BACKFILL_KEY, type: 'rateStepsBackfill', format: record.format, at: record.at },
      }),
    );
  }

  async *appliedSnapshots(filter: { lackingRateSteps?: boolean } = {}): AsyncGenerator<ListedSnapshot[]> {
    const lacking = filter.lackingRateSteps === true;
    for await (const page of scanPages({
      TableName: tableName('routing'),
      FilterExpression: `begins_with(pk, :access) AND sk = :snapshot AND attribute_exists(routing)${lacking ? ` AND ${LACKING_STEPS}` : ''}`,
      ExpressionAttributeValues: {
        ':access': 'ACCESS#',
        ':snapshot': 'SNAPSHOT',
        ...(lacking ? { ':noSteps': 0 } : {}),
      },
    }))
      yield page.map(listed);
  }

  async writeSnapshotRates(
    accessNumber: string,
    rates: { worstRatePerMinute: number; rateSteps: readonly RateStep[] },
    condition: { onlyIfLackingSteps?: boolean } = {},
  ): Promise<boolean> {
    const lacking = condition.onlyIfLackingSteps === true;
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('routing'),
          Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
          UpdateExpression: 'SET worstRatePerMinute = :rate, rateSteps = :steps',
          ConditionExpression: `attribute_exists(routing)${lacking ? ` AND ${LACKING_STEPS}` : ''}`,
          ExpressionAttributeValues: {
            ':rate': rates.worstRatePerMinute,
            ':steps': rates.rateSteps,
            ...(lacking ? { ':noSteps': 0 } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  async backfillMarker(): Promise<{ done: boolean; cursor?: unknown }> {
    const marker = await get('routing', BACKFILL_KEY.pk, BACKFILL_KEY.sk);
    return { done: marker?.done === true, cursor: marker?.cursor };
  }

  async saveBackfillMarker(marker: { done: boolean; cursor?: unknown; at: string }): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('routing'),
        Item: {
          ...BACKFILL_KEY,
          type: 'holidayCalendarBackfill',
          done: marker.done,
          ...(marker.cursor ? { cursor: marker.cursor } : {}),
          updatedAt: marker.at,
        },
      }),
    );
  }

  async unstampedSnapshots(cursor: unknown): Promise<{ items: ListedSnapshot[]; cursor?: unknown }> {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: tableName('routing'),
        FilterExpression:
          'begins_with(pk, :access) AND sk = :snapshot AND attribute_exists(routing) AND attribute_not_exists(calendarStamp)',
        ExpressionAttributeValues: { ':access': 'ACCESS#', ':snapshot': 'SNAPSHOT' },
        ...(cursor ? { ExclusiveStartKey: cursor as Record<string, unknown> } : {}),
      }),
    );
    return { items: (page.Items ?? []).map(listed), cursor: page.LastEvaluatedKey };
  }
}
