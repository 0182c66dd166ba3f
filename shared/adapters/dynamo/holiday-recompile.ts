/**
 * Propagates a published holiday calendar to routing: every applied snapshot compiled with the public
 * calendar whose stamp is not the current calendar's is re-applied, which recompiles its snapshot and
 * writes only the changed hours-of-operation overrides to Connect (the normal diff-based apply).
 *
 * Robust by construction rather than by a trigger: nothing remembers "a PUT happened". Each run compares
 * stamps, so it is idempotent (a second run finds nothing stale), resumable (a snapshot is restamped as it
 * is done; a run cut short by its time budget or a failure leaves the rest stale for the next run), and
 * it also picks up bundled years changed by a deploy. Reads only the stale entries of the sparse index
 * (routing gsi1 CALENDAR#CN#SNAPSHOTS / <stamp>#<accessNumber>), page by page.
 *
 * Snapshots written before the stamp existed are not indexed: a one-off backfill scan (marker item
 * CALENDAR#CN / BACKFILL, its cursor saved after each page) re-applies them once.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { logger } from '../../observability.js';
import type { TelephonyPort } from '../../ports/telephony.js';
import { dynamo } from './client.js';
import {
  CALENDAR_PK,
  CALENDAR_SNAPSHOTS_PK,
  type LoadedCalendar,
  loadPublicCalendar,
} from './holiday-calendar-store.js';
import { type Item, queryPages } from './paging.js';
import { applyRouting } from './routing-apply.js';
import { getApplied, getNumberFacts } from './routing-store.js';

export interface RecompileResult {
  /** The calendar stamp snapshots now carry. */
  readonly stamp: string;
  /** Stale snapshots looked at this run. */
  readonly stale: number;
  readonly recompiled: number;
  /** Snapshots of numbers with no applied routing or owner any more: dropped from the index. */
  readonly unindexed: number;
  readonly failed: number;
  /** Connect write calls made (hours updates and override changes). */
  readonly connectWrites: number;
  /** Legacy (unstamped) snapshots re-applied by the backfill this run. */
  readonly backfilled: number;
  /** True when the time budget ran out with work left: the next run carries on. */
  readonly remaining: boolean;
}

export interface RecompileOptions {
  readonly at: string;
  readonly telephony: TelephonyPort;
  /** Stop taking new snapshots once this returns true (the job's time budget). */
  readonly outOfTime?: () => boolean;
}

const BACKFILL_SK = 'BACKFILL';

interface Counters {
  stale: number;
  recompiled: number;
  unindexed: number;
  failed: number;
  connectWrites: number;
  backfilled: number;
}

/** Re-applies the live configuration of the number behind one snapshot with `calendar`. */
async function recompileSnapshot(
  snapshot: Item,
  calendar: LoadedCalendar,
  options: RecompileOptions,
  counters: Counters,
): Promise<'recompiled' | 'unindexed' | 'failed'> {
  const accessNumber = String(snapshot.pk).replace(/^ACCESS#/, '');
  const number = typeof snapshot.number400 === 'string' ? snapshot.number400 : '';
  try {
    const facts = number ? await getNumberFacts(number) : undefined;
    const applied = number ? await getApplied(number) : undefined;
    if (!facts?.tenantId || facts.accessNumber !== accessNumber || applied?.configVersion === undefined) {
      await unindex(accessNumber, snapshot.gsi1sk);
      return 'unindexed';
    }
    const result = await applyRouting({
      number,
      tenantId: facts.tenantId,
      telephony: options.telephony,
      at: options.at,
      // What is live, not a draft the tenant has stored but not applied.
      configVersion: applied.configVersion,
      calendar,
      forceSnapshot: true,
    });
    counters.connectWrites += result.connectWrites;
    if (result.snapshot === 'written') return 'recompiled';
    await unindex(accessNumber, snapshot.gsi1sk);
    return 'unindexed';
  } catch (error) {
    logger.warn('holiday recompile failed for a number; the next run retries it', {
      number,
      accessNumber,
      error: error as Error,
    });
    return 'failed';
  }
}

/** Drops a snapshot from the calendar index, unless it was restamped meanwhile. */
async function unindex(accessNumber: string, indexedAs: unknown): Promise<void> {
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
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** The stale part of the index: entries sorted below the current stamp, then above it. */
async function* staleSnapshots(stamp: string): AsyncGenerator<Item[]> {
  const ranges = [
    { condition: 'gsi1sk < :bound', bound: `${stamp}#` },
    // '$' sorts right after '#': everything past the current stamp's entries.
    { condition: 'gsi1sk >= :bound', bound: `${stamp}$` },
  ];
  for (const range of ranges) {
    yield* queryPages({
      TableName: tableName('routing'),
      IndexName: 'gsi1',
      KeyConditionExpression: `gsi1pk = :pk AND ${range.condition}`,
      ExpressionAttributeValues: { ':pk': CALENDAR_SNAPSHOTS_PK, ':bound': range.bound },
    });
  }
}

/** One-off: re-applies snapshots written before stamping existed (they carry routing but no stamp). */
async function backfill(
  calendar: LoadedCalendar,
  options: RecompileOptions,
  counters: Counters,
): Promise<boolean> {
  const key = { pk: CALENDAR_PK, sk: BACKFILL_SK };
  const marker = (await dynamo().send(new GetCommand({ TableName: tableName('routing'), Key: key }))).Item;
  if (marker?.done === true) return false;
  let cursor = marker?.cursor as Record<string, unknown> | undefined;
  do {
    if (options.outOfTime?.()) return true;
    const page = await dynamo().send(
      new ScanCommand({
        TableName: tableName('routing'),
        FilterExpression:
          'begins_with(pk, :access) AND sk = :snapshot AND attribute_exists(routing) AND attribute_not_exists(calendarStamp)',
        ExpressionAttributeValues: { ':access': 'ACCESS#', ':snapshot': 'SNAPSHOT' },
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const outcome = await recompileSnapshot(item, calendar, options, counters);
      if (outcome === 'recompiled') counters.backfilled++;
      if (outcome === 'failed') counters.failed++;
    }
    cursor = page.LastEvaluatedKey;
    await dynamo().send(
      new PutCommand({
        TableName: tableName('routing'),
        Item: {
          ...key,
          type: 'holidayCalendarBackfill',
          done: cursor === undefined,
          ...(cursor ? { cursor } : {}),
          updatedAt: options.at,
        },
      }),
    );
  } while (cursor);
  return false;
}

export async function recompileHolidaySnapshots(options: RecompileOptions): Promise<RecompileResult> {
  const calendar = await loadPublicCalendar();
  const counters: Counters = {
    stale: 0,
    recompiled: 0,
    unindexed: 0,
    failed: 0,
    connectWrites: 0,
    backfilled: 0,
  };
  let remaining = await backfill(calendar, options, counters);
  if (!remaining) {
    outer: for await (const page of staleSnapshots(calendar.stamp)) {
      for (const item of page) {
        if (options.outOfTime?.()) {
          remaining = true;
          break outer;
        }
        counters.stale++;
        const outcome = await recompileSnapshot(item, calendar, options, counters);
        counters[outcome]++;
      }
    }
  }
  return { stamp: calendar.stamp, ...counters, remaining };
}
