/**
 * Reading call records: a tenant's calls on a number by time (gsi2 CALLS#<tenantId>#<number>, newest first),
 * and the records a report aggregates. The tenant is part of the key condition, never a filter after the
 * read, so no page and no cursor ever holds another tenant's call: a number that changed owner keeps each
 * owner's history apart. Expired records (TTL deletes lazily) are filtered out.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { CallRecord } from '../../domain/calls/call-record.js';
import { CHAIN_SPAN_MS, chainIdOf, isFirstSegment } from '../../domain/calls/chains.js';
import type { CallLookupPort, CallRange, CallsPort, ReportCall } from '../../ports/calls.js';
import { decodeCursor, encodeCursor, type Page, type PageKey } from '../../ports/paging.js';
import { callsPartition } from './call-ingest.js';
import { dynamo } from './client.js';
import { batchGetItems, queryAll, queryPages } from './paging.js';

/** A call item as read from the index: the record with its keys. */
type StoredCall = CallRecord & {
  readonly pk: string;
  readonly sk: string;
  readonly gsi2pk: string;
  readonly gsi2sk: string;
};

const positionOf = (c: StoredCall): PageKey => ({ pk: c.pk, sk: c.sk, gsi2pk: c.gsi2pk, gsi2sk: c.gsi2sk });
const live = (item: Record<string, unknown>, now: Date) =>
  typeof item.expiresAt !== 'number' || item.expiresAt > Math.floor(now.getTime() / 1000);
/** The chain a listed call opens (its own id, or for an orphan, its first segment's). */
const chainOf = (c: StoredCall, firsts: ReadonlyMap<StoredCall, string>) => firsts.get(c) ?? chainIdOf(c);

function rangeQuery({ tenantId, number, from, to, now }: CallRange) {
  return {
    TableName: tableName('ledger'),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
    FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
    ExpressionAttributeValues: {
      ':pk': callsPartition(tenantId, number),
      ':from': from,
      ':to': `${to}~`,
      ':now': Math.floor(now.getTime() / 1000),
    },
  };
}

export class DynamoCalls implements CallsPort, CallLookupPort {
  /** One GetItem on the call item `CALL#<contactId>`/`CALL`; an expired one (TTL deletes lazily) is gone. */
  async find(contactId: string, now: Date): Promise<CallRecord | undefined> {
    const out = await dynamo().send(
      new GetCommand({ TableName: tableName('ledger'), Key: { pk: `CALL#${contactId}`, sk: 'CALL' } }),
    );
    const item = out.Item as (CallRecord & { expiresAt?: number; type?: string }) | undefined;
    // A dismissed parked record holds the call's key without being a call.
    if (
      item?.type !== 'call' ||
      (item.expiresAt !== undefined && item.expiresAt <= Math.floor(now.getTime() / 1000))
    )
      return undefined;
    return item;
  }

  /**
   * A page of `limit` calls, newest first by each call's first segment, every call with all its segments
   * (shared/domain/calls/chains.ts): a page never splits a transfer chain, and the next page neither repeats
   * nor loses a segment, with nothing but the store's position in the cursor. Later segments read on the
   * way are listed with their first segment (further down, or in an earlier range) and skipped where they
   * are; a page's chains take their later segments from what it read and, above the page, from one query
   * over the time their calls lasted.
   */
  async page(range: CallRange, limit: number, cursor: string | undefined): Promise<Page<CallRecord>> {
    const pk = callsPartition(range.tenantId, range.number);
    const position = decodeCursor(
      cursor,
      (k) => k.gsi2pk === pk && typeof k.gsi2sk === 'string' && typeof k.pk === 'string',
    );
    const read: StoredCall[] = [];
    let start: PageKey | undefined = position;
    let heads = 0;
    // The expiry filter may thin pages out, later segments do not count: read until `limit` first segments.
    for (let reads = 0; reads < 10; reads++) {
      const out = await dynamo().send(
        new QueryCommand({
          ...rangeQuery(range),
          ScanIndexForward: false,
          Limit: limit - heads,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (out.Items ?? []) as StoredCall[]) {
        read.push(item);
        if (isFirstSegment(item)) heads++;
      }
      start = out.LastEvaluatedKey as PageKey | undefined;
      if (!start || heads >= limit) break;
    }
    const firsts = await this.firstSegments(read, pk, range.now);
    const listed = read.filter((c) => firsts.has(c));
    const kept = listed.slice(0, limit);
    const last = kept[kept.length - 1];
    const more = start !== undefined || (last !== undefined && read.indexOf(last) < read.length - 1);
    const next =
      listed.length >= limit && last && more ? positionOf(last) : listed.length < limit ? start : undefined;
    const top = typeof position?.gsi2sk === 'string' ? position.gsi2sk : `${range.to}~`;
    const items: CallRecord[] = [];
    const later = await this.laterSegments(kept, firsts, read, top, pk, range.now);
    for (const first of kept) items.push(first, ...(later.get(chainOf(first, firsts)) ?? []));
    return { items, nextCursor: encodeCursor(next) };
  }

  /**
   * The read calls that open a chain on this page, with their chain id: first segments, and the oldest stored
   * segment of a chain whose first segment is not stored (a later segment of a stored chain is listed with
   * its first segment, wherever that is).
   */
  private async firstSegments(
    read: readonly StoredCall[],
    pk: string,
    now: Date,
  ): Promise<Map<StoredCall, string>> {
    const firsts = new Map<StoredCall, string>();
    const onPage = new Set<string>();
    for (const c of read)
      if (isFirstSegment(c)) {
        firsts.set(c, c.contactId);
        onPage.add(c.contactId);
      }
    const elsewhere = [
      ...new Set(read.flatMap((c) => (isFirstSegment(c) || onPage.has(chainIdOf(c)) ? [] : [chainIdOf(c)]))),
    ];
    if (elsewhere.length === 0) return firsts;
    const stored = await batchGetItems(
      tableName('ledger'),
      elsewhere.map((id) => ({ pk: `CALL#${id}`, sk: 'CALL' })),
    );
    for (const chain of elsewhere) {
      const first = stored.get(`CALL#${chain}|CALL`);
      if (first && first.type === 'call' && first.gsi2pk === pk && live(first, now)) continue;
      // Orphans: the oldest read segment opens the chain unless an older one is stored.
      const oldest = read
        .filter((c) => chainIdOf(c) === chain)
        .reduce((a, b) => (b.gsi2sk < a.gsi2sk ? b : a));
      if (!(await this.olderSegmentExists(oldest, chain, pk, now))) firsts.set(oldest, chain);
    }
    return firsts;
  }

  private async olderSegmentExists(segment: StoredCall, chain: string, pk: string, now: Date) {
    const from = new Date(Date.parse(segment.startedAt) - CHAIN_SPAN_MS).toISOString();
    for await (const page of queryPages({
      TableName: tableName('ledger'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      FilterExpression: 'initialContactId = :chain AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
      ExpressionAttributeValues: {
        ':pk': pk,
        ':from': from,
        ':to': segment.gsi2sk,
        ':chain': chain,
        ':now': Math.floor(now.getTime() / 1000),
      },
      ProjectionExpression: 'contactId, gsi2sk',
    }))
      if (page.some((item) => item.gsi2sk !== segment.gsi2sk)) return true;
    return false;
  }

  /**
   * The later segments of the listed chains, by chain: those read already, and those above `top` (started
   * after the page's top, or after the range) of chains still going on then, read in one query, again while
   * segments found there end later still; and any unread segment that started in the same millisecond as
   * the last listed call (it sorts below it).
   */
  private async laterSegments(
    kept: readonly StoredCall[],
    firsts: ReadonlyMap<StoredCall, string>,
    read: readonly StoredCall[],
    top: string,
    pk: string,
    now: Date,
  ): Promise<Map<string, StoredCall[]>> {
    const chains = new Set(kept.map((c) => chainOf(c, firsts)));
    // An orphan's opener is a later segment too: queries find it again.
    const openers = new Set(kept.map((c) => c.contactId));
    const later = new Map<string, StoredCall[]>();
    const ends = new Map<string, string>();
    const add = (c: StoredCall) => {
      const chain = isFirstSegment(c)
        ? c.contactId
        : openers.has(c.contactId)
          ? chainOf(c, firsts)
          : chainIdOf(c);
      if (!chains.has(chain)) return;
      if (c.endedAt > (ends.get(chain) ?? '')) ends.set(chain, c.endedAt);
      if (isFirstSegment(c) || openers.has(c.contactId)) return;
      const list = later.get(chain) ?? [];
      if (!list.some((s) => s.contactId === c.contactId)) list.push(c);
      later.set(chain, list);
    };
    for (const c of read) add(c);
    const lastKept = kept[kept.length - 1];
    const bottom = read[read.length - 1];
    if (lastKept && bottom && bottom.startedAt === lastKept.startedAt)
      for (const c of await this.segmentsOf([...chains], pk, lastKept.startedAt, bottom.gsi2sk, now)) add(c);
    let from = top;
    // Segments start while the one before lasts: a few rounds cover any chain.
    for (let round = 0; round < 5; round++) {
      const going = [...ends].filter(([, end]) => `${end}~` > from);
      if (going.length === 0) break;
      const to = going.map(([, end]) => end).sort()[going.length - 1] as string;
      for (const c of await this.segmentsOf(
        going.map(([chain]) => chain),
        pk,
        `${from} `,
        `${to}~`,
        now,
      ))
        add(c);
      from = `${to}~`;
    }
    return later;
  }

  /** The later segments of these chains indexed between two sort keys (inclusive), live ones only. */
  private async segmentsOf(
    chains: readonly string[],
    pk: string,
    from: string,
    to: string,
    now: Date,
  ): Promise<StoredCall[]> {
    const found: StoredCall[] = [];
    // IN takes up to 100 operands.
    for (let i = 0; i < chains.length; i += 50) {
      const slice = chains.slice(i, i + 50);
      const names = slice.map((_, k) => `:c${k}`);
      const items = await queryAll({
        TableName: tableName('ledger'),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        FilterExpression: `initialContactId IN (${names.join(', ')}) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)`,
        ExpressionAttributeValues: {
          ':pk': pk,
          ':from': from,
          ':to': to,
          ':now': Math.floor(now.getTime() / 1000),
          ...Object.fromEntries(slice.map((id, k) => [`:c${k}`, id])),
        },
      });
      found.push(...(items as unknown as StoredCall[]));
    }
    return found;
  }

  /**
   * Every call of the range for a report, each transfer chain whole and only in the range its first segment
   * started in (as `page` lists them), so a chain counts once whichever ranges reports cover.
   */
  async forReport(range: CallRange): Promise<ReportCall[]> {
    const pk = callsPartition(range.tenantId, range.number);
    const read: StoredCall[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await dynamo().send(
        new QueryCommand({
          ...rangeQuery(range),
          ExclusiveStartKey: start,
          ProjectionExpression:
            'pk, sk, gsi2pk, gsi2sk, startedAt, endedAt, missed, durationSeconds, amount, callerRegion, contactId, initialContactId',
        }),
      );
      read.push(...((out.Items ?? []) as StoredCall[]));
      start = out.LastEvaluatedKey;
    } while (start);
    const firsts = await this.firstSegments(read, pk, range.now);
    const kept = read.filter((c) => firsts.has(c));
    const later = await this.laterSegments(kept, firsts, read, `${range.to}~`, pk, range.now);
    return kept.flatMap((first) => [first, ...(later.get(chainOf(first, firsts)) ?? [])]);
  }
}
