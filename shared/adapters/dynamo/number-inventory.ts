/**
 * Number inventory in DynamoDB: bulk import, search of the available pool through the sparse gsi1, and
 * reservations (a hold on the number and the tenant's hold list written in one transaction, so two
 * tenants racing for a number get exactly one winner and no tenant ever exceeds its hold limit).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { classify, NUMBER_PATTERN } from '../../domain/numbers/classifier.js';
import {
  type NumbersConfig,
  SEGMENTS,
  type Segment,
  type TierId,
  tierConfig,
} from '../../domain/numbers/config.js';
import { decide, effectiveStatus, type NumberStatus } from '../../domain/numbers/lifecycle.js';
import { decodeCursor, encodeCursor, type Page, type PageKey } from '../../ports/paging.js';
import { dynamo } from './client.js';
import {
  availabilityPartition,
  failedConditions,
  getNumberItem,
  type NumberItem,
  nextItem,
  numberKey,
  type TransactItem,
  transact,
  transitionWrites,
} from './number-items.js';

// ---------------------------------------------------------------- import

function inventoryItem(number: string, at: string, config: NumbersConfig): NumberItem {
  const c = classify(number, config);
  return {
    ...numberKey(number),
    type: 'number',
    number,
    segment: c.segment,
    tier: c.tier,
    tierRank: c.tierRank,
    selectionFee: c.selectionFee,
    ...(c.pattern ? { pattern: c.pattern } : {}),
    status: 'available',
    version: 1,
    importedAt: at,
    updatedAt: at,
    gsi1pk: availabilityPartition(c.segment),
    gsi1sk: `${c.tierRank}#${number}`,
  };
}

/**
 * Seeds demo numbers fast (batch writes of the ones not there yet). Only for the local runtime before it
 * serves requests: unlike importNumbers, a number created between the read and the write would be
 * overwritten.
 */
export async function seedNumbers(
  numbers: readonly string[],
  at: string,
  config: NumbersConfig,
): Promise<number> {
  let written = 0;
  for (let start = 0; start < numbers.length; start += 100) {
    const chunk = numbers.slice(start, start + 100);
    const existing = await existingNumbers(chunk);
    const missing = chunk.filter((n) => !existing.has(n));
    for (let i = 0; i < missing.length; i += 25) {
      let requests = missing
        .slice(i, i + 25)
        .map((n) => ({ PutRequest: { Item: inventoryItem(n, at, config) } }));
      for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
        const result = await dynamo().send(
          new BatchWriteCommand({ RequestItems: { [tableName('numbers')]: requests } }),
        );
        requests = (result.UnprocessedItems?.[tableName('numbers')] ?? []) as typeof requests;
      }
      written += missing.slice(i, i + 25).length;
    }
  }
  return written;
}

async function existingNumbers(numbers: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  let keys: Record<string, unknown>[] = numbers.map((n) => numberKey(n));
  for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
    const result = await dynamo().send(
      new BatchGetCommand({
        RequestItems: {
          [tableName('numbers')]: {
            Keys: keys,
            ProjectionExpression: '#n',
            ExpressionAttributeNames: { '#n': 'number' },
          },
        },
      }),
    );
    for (const item of result.Responses?.[tableName('numbers')] ?? []) found.add(item.number as string);
    keys = (result.UnprocessedKeys?.[tableName('numbers')]?.Keys ?? []) as Record<string, unknown>[];
  }
  if (keys.length > 0)
    throw new Error('the inventory did not answer for every number; nothing more was imported');
  return found;
}

export interface ImportReport {
  readonly imported: readonly string[];
  readonly duplicates: readonly string[];
  readonly malformed: readonly { readonly line: number; readonly value: string; readonly reason: string }[];
}

/**
 * Imports numbers. A file with any malformed line is refused whole (nothing written) with every bad line
 * listed; numbers already in the inventory, or repeated in the file, are reported as duplicates and left
 * untouched, so importing the same file twice changes nothing.
 */
export async function importNumbers(
  raw: readonly string[],
  at: string,
  config: NumbersConfig,
): Promise<ImportReport> {
  const malformed: { line: number; value: string; reason: string }[] = [];
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const fresh: string[] = [];
  raw.forEach((value, index) => {
    const number = value.trim().replace(/[\s-]/g, '');
    if (!NUMBER_PATTERN.test(number)) {
      malformed.push({
        line: index + 1,
        value,
        reason: 'not a 10-digit number in segment 4001, 4006, 4007 or 4008',
      });
    } else if (seen.has(number)) {
      duplicates.push(number);
    } else {
      seen.add(number);
      fresh.push(number);
    }
  });
  if (malformed.length > 0) {
    throw invalid(
      'malformed_numbers',
      `${malformed.length} line(s) are not valid 400 numbers; nothing was imported`,
      'numbers',
      {
        malformed,
      },
    );
  }
  const imported: string[] = [];
  const table = tableName('numbers');
  const itemOf = (number: string) => inventoryItem(number, at, config);
  const putIfAbsent = async (number: string) => {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: table,
          Item: itemOf(number),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      imported.push(number);
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      duplicates.push(number);
    }
  };
  // Chunks of 100: what already exists is a duplicate; the rest goes in one transaction of conditional
  // puts (an existing number is never overwritten). A chunk that loses a race falls back to one by one.
  for (let start = 0; start < fresh.length; start += 100) {
    const chunk = fresh.slice(start, start + 100);
    const existing = await existingNumbers(chunk);
    const missing = chunk.filter((n) => !existing.has(n));
    duplicates.push(...chunk.filter((n) => existing.has(n)));
    if (missing.length === 0) continue;
    try {
      await transact(
        missing.map((n) => ({
          Put: { TableName: table, Item: itemOf(n), ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      );
      imported.push(...missing);
    } catch (error) {
      if (!failedConditions(error)) throw error;
      for (const n of missing) await putIfAbsent(n);
    }
  }
  imported.sort();
  duplicates.sort();
  return { imported, duplicates, malformed };
}

// ---------------------------------------------------------------- search

export interface SearchQuery {
  readonly segment?: Segment;
  readonly tier?: TierId;
  /** Twilio-style: digits, letters (keypad) and `*` for any one digit, matched anywhere in the number. */
  readonly contains?: string;
  readonly limit: number;
  readonly cursor?: string;
  /** Index items read at most (default SEARCH_READ_BUDGET). */
  readonly readBudget?: number;
}

export interface AvailableNumber {
  readonly number: string;
  readonly segment: Segment;
  readonly carrier: string;
  readonly tier: TierId;
  readonly tierLabel: string;
  readonly pattern?: string;
  readonly price: {
    readonly currency: 'CNY';
    readonly selectionFee: number;
    readonly firstTopUp: number;
    readonly openingFee: number;
    readonly plans: readonly {
      readonly id: string;
      readonly name: string;
      readonly monthlyRent: number;
      readonly includedMinutes: number;
      readonly minimumMonthlySpend: number;
    }[];
    readonly localPerMinute: number;
    readonly longDistancePerMinute: number;
  };
}

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({
  2: 'abc',
  3: 'def',
  4: 'ghi',
  5: 'jkl',
  6: 'mno',
  7: 'pqrs',
  8: 'tuv',
  9: 'wxyz',
})) {
  for (const letter of letters) KEYPAD[letter] = digit;
}

export const CONTAINS_PATTERN = /^[0-9A-Za-z*]{1,10}$/;

export function containsMatcher(contains: string | undefined): (number: string) => boolean {
  if (contains === undefined) return () => true;
  if (!CONTAINS_PATTERN.test(contains)) {
    throw invalid('invalid_pattern', 'contains takes 1-10 digits, letters or * (any digit)', 'contains');
  }
  const source = [...contains.toLowerCase()].map((c) => (c === '*' ? '\\d' : (KEYPAD[c] ?? c))).join('');
  const regex = new RegExp(source);
  return (number) => regex.test(number);
}

/** Items read from the index per request at most: a rare pattern returns a short page and a cursor. */
export const SEARCH_READ_BUDGET = 3000;
const QUERY_PAGE = 250;

export function priceOf(
  item: Pick<NumberItem, 'segment' | 'selectionFee'>,
  config: NumbersConfig,
): AvailableNumber['price'] {
  const tariff = config.tariffs[item.segment];
  return {
    currency: 'CNY',
    selectionFee: item.selectionFee,
    firstTopUp: config.firstTopUp,
    openingFee: item.selectionFee + config.firstTopUp,
    plans: tariff.plans.map((p) => ({ ...p })),
    localPerMinute: tariff.localPerMinute,
    longDistancePerMinute: tariff.longDistancePerMinute,
  };
}

function toAvailable(item: NumberItem, config: NumbersConfig): AvailableNumber {
  return {
    number: item.number,
    segment: item.segment,
    carrier: config.tariffs[item.segment].carrier,
    tier: item.tier,
    tierLabel: tierConfig(config, item.tier).label,
    ...(item.pattern ? { pattern: item.pattern } : {}),
    price: priceOf(item, config),
  };
}

export async function searchAvailable(
  query: SearchQuery,
  at: string,
  config: NumbersConfig,
): Promise<Page<AvailableNumber> & { readonly scanned: number }> {
  const matches = containsMatcher(query.contains);
  const segments = query.segment ? [query.segment] : [...SEGMENTS];
  const rankPrefix = query.tier ? `${tierConfig(config, query.tier).rank}#` : undefined;
  const start = decodeCursor(query.cursor, (key) => {
    const segment = String(key.gsi1pk ?? '').replace(/^AVAIL#/, '');
    return (
      Object.keys(key).sort().join() === 'gsi1pk,gsi1sk,pk,sk' &&
      segments.includes(segment as Segment) &&
      (rankPrefix === undefined || key.gsi1sk === '' || String(key.gsi1sk).startsWith(rankPrefix))
    );
  });
  const items: AvailableNumber[] = [];
  const budget = query.readBudget ?? SEARCH_READ_BUDGET;
  let scanned = 0;
  let segmentIndex = start ? segments.indexOf(String(start.gsi1pk).replace(/^AVAIL#/, '') as Segment) : 0;
  let exclusiveStart: PageKey | undefined = start && start.gsi1sk !== '' ? start : undefined;
  while (segmentIndex < segments.length) {
    const segment = segments[segmentIndex] as Segment;
    const result = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        IndexName: 'gsi1',
        KeyConditionExpression: rankPrefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :rank)' : 'gsi1pk = :pk',
        FilterExpression: '#status = :available OR (#status = :reserved AND holdExpiresAt <= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': availabilityPartition(segment),
          ':available': 'available',
          ':reserved': 'reserved',
          ':now': at,
          ...(rankPrefix ? { ':rank': rankPrefix } : {}),
        },
        // Without a digit pattern nearly every item read is a result: read little more than the page needs.
        Limit: Math.min(
          query.contains ? QUERY_PAGE : query.limit - items.length + 5,
          QUERY_PAGE,
          budget - scanned,
        ),
        ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}),
      }),
    );
    scanned += result.ScannedCount ?? 0;
    for (const raw of (result.Items ?? []) as NumberItem[]) {
      if (!matches(raw.number)) continue;
      items.push(toAvailable(raw, config));
      if (items.length === query.limit) {
        // Resume right after this item, even if the query page went on.
        const key = { pk: raw.pk, sk: raw.sk, gsi1pk: raw.gsi1pk as string, gsi1sk: raw.gsi1sk as string };
        const more = result.LastEvaluatedKey !== undefined || segmentIndex < segments.length - 1;
        return {
          items,
          nextCursor: more || raw !== result.Items?.at(-1) ? encodeCursor(key) : undefined,
          scanned,
        };
      }
    }
    if (result.LastEvaluatedKey) {
      exclusiveStart = result.LastEvaluatedKey as PageKey;
    } else {
      segmentIndex += 1;
      exclusiveStart = undefined;
      if (segmentIndex < segments.length && scanned >= budget) {
        // Budget spent exactly at a segment boundary: resume at the next segment's start.
        return { items, nextCursor: encodeCursor(firstKeyOf(segments[segmentIndex] as Segment)), scanned };
      }
    }
    if (scanned >= budget && exclusiveStart) {
      return { items, nextCursor: encodeCursor(exclusiveStart), scanned };
    }
  }
  return { items, scanned };
}

/** A cursor meaning "start of this segment" (empty keys are never real items, so never an ExclusiveStartKey). */
function firstKeyOf(segment: Segment): PageKey {
  return { pk: '', sk: '', gsi1pk: availabilityPartition(segment), gsi1sk: '' };
}

// ---------------------------------------------------------------- reservations

export interface Hold {
  readonly number: string;
  readonly tenantId: string;
  readonly holdExpiresAt: string;
}

interface HoldsItem {
  readonly pk: string;
  readonly sk: 'HOLDS';
  readonly holds: Record<string, string>;
  readonly version: number;
}

const holdsKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'HOLDS' as const });

async function getHolds(tenantId: string): Promise<HoldsItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: holdsKey(tenantId), ConsistentRead: true }),
  );
  return result.Item as HoldsItem | undefined;
}

/** Writes the tenant's hold list under its version (a counter with a memory of what it counts). */
function holdsWrite(
  tenantId: string,
  current: HoldsItem | undefined,
  holds: Record<string, string>,
): TransactItem {
  return {
    Put: {
      TableName: tableName('numbers'),
      Item: { ...holdsKey(tenantId), type: 'tenant_holds', holds, version: (current?.version ?? 0) + 1 },
      ...(current
        ? {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': current.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

const liveHolds = (holds: Record<string, string> | undefined, at: string, except?: string) =>
  Object.fromEntries(Object.entries(holds ?? {}).filter(([n, expires]) => n !== except && expires > at));

export async function reserveNumber(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
): Promise<Hold> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const item = await getNumberItem(number);
    if (!item) throw notFound('number_not_found', 'no such number in the inventory');
    if (effectiveStatus(item, at) === 'reserved' && item.tenantId === tenantId) {
      // Reserving what you already hold is harmless: the same hold comes back.
      return { number, tenantId, holdExpiresAt: item.holdExpiresAt as string };
    }
    const transition = decide(item, { type: 'reserve', tenantId }, at, config);
    const holdsItem = await getHolds(tenantId);
    const holds = liveHolds(holdsItem?.holds, at, number);
    if (Object.keys(holds).length >= config.holdLimit) {
      throw conflict('hold_limit_reached', `a tenant may hold at most ${config.holdLimit} numbers at once`, {
        holdLimit: config.holdLimit,
      });
    }
    const next = nextItem(item, transition.state, at);
    holds[number] = next.holdExpiresAt as string;
    try {
      await transact([
        ...transitionWrites(item, next, {
          at,
          from: effectiveStatus(item, at),
          to: 'reserved',
          command: 'reserve',
          actor: tenantId,
          tenantId,
        }),
        holdsWrite(tenantId, holdsItem, holds),
      ]);
      return { number, tenantId, holdExpiresAt: next.holdExpiresAt as string };
    } catch (error) {
      const failed = failedConditions(error);
      if (!failed) throw error;
      // Someone changed the number or this tenant's holds meanwhile: read again and decide again.
    }
  }
  throw conflict('concurrent_update', 'the number changed while reserving it; try again');
}

/** Gives a held number back (the tenant changed its mind). */
export async function releaseHold(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const item = await getNumberItem(number);
    if (!item) throw notFound('number_not_found', 'no such number among yours');
    const transition = decide(item, { type: 'release_hold', tenantId }, at, config);
    const holdsItem = await getHolds(tenantId);
    const next = nextItem(item, transition.state, at);
    try {
      await transact([
        ...transitionWrites(item, next, {
          at,
          from: item.status,
          to: 'available',
          command: 'release_hold',
          actor: tenantId,
          tenantId,
        }),
        holdsWrite(tenantId, holdsItem, liveHolds(holdsItem?.holds, at, number)),
      ]);
      return;
    } catch (error) {
      if (!failedConditions(error)) throw error;
    }
  }
  throw conflict('concurrent_update', 'the number changed meanwhile; try again');
}

/** Removes a number from a tenant's hold list inside another transaction (the hold became an application). */
export async function holdConsumedWrite(tenantId: string, number: string, at: string): Promise<TransactItem> {
  const holdsItem = await getHolds(tenantId);
  return holdsWrite(tenantId, holdsItem, liveHolds(holdsItem?.holds, at, number));
}

/**
 * Keeps a number in the tenant's hold list until `until` (a draft application still counts toward the
 * hold limit, so drafts cannot be used to hoard numbers past it).
 */
export async function holdExtendedWrite(
  tenantId: string,
  number: string,
  until: string,
  at: string,
): Promise<TransactItem> {
  const holdsItem = await getHolds(tenantId);
  return holdsWrite(tenantId, holdsItem, { ...liveHolds(holdsItem?.holds, at, number), [number]: until });
}

export function statusOf(item: NumberItem, at: string): NumberStatus {
  return effectiveStatus(item, at);
}
