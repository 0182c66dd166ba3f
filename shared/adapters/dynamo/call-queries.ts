/**
 * Reading call records: a tenant's calls on a number by time (gsi2 CALLS#<tenantId>#<number>, newest first),
 * and the records a report aggregates. The tenant is part of the key condition, never a filter after the
 * read, so no page and no cursor ever holds another tenant's call: a number that changed owner keeps each
 * owner's history apart. Expired records (TTL deletes lazily) are filtered out.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { CallRecord } from '../../domain/calls/call-record.js';
import type { CallLookupPort, CallRange, CallsPort, ReportCall } from '../../ports/calls.js';
import { decodeCursor, encodeCursor, type Page } from '../../ports/paging.js';
import { callsPartition } from './call-ingest.js';
import { dynamo } from './client.js';

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

  async page(range: CallRange, limit: number, cursor: string | undefined): Promise<Page<CallRecord>> {
    const pk = callsPartition(range.tenantId, range.number);
    let start = decodeCursor(
      cursor,
      (k) => k.gsi2pk === pk && typeof k.gsi2sk === 'string' && typeof k.pk === 'string',
    );
    const items: CallRecord[] = [];
    // The expiry filter may thin pages out; keep reading until the page is full or the range ends.
    for (let reads = 0; reads < 10; reads++) {
      const out = await dynamo().send(
        new QueryCommand({
          ...rangeQuery(range),
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as CallRecord[]));
      start = out.LastEvaluatedKey as typeof start;
      if (!start || items.length >= limit) break;
    }
    return { items, nextCursor: encodeCursor(start) };
  }

  async forReport(range: CallRange): Promise<ReportCall[]> {
    const calls: ReportCall[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await dynamo().send(
        new QueryCommand({
          ...rangeQuery(range),
          ExclusiveStartKey: start,
          ProjectionExpression:
            'startedAt, missed, durationSeconds, amount, callerRegion, contactId, initialContactId',
        }),
      );
      calls.push(...((out.Items ?? []) as ReportCall[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return calls;
  }
}
