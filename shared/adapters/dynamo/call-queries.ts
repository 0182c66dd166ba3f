/**
 * Reading call records: a number's calls by time (gsi2 CALLS#<number>, newest first), and the records a
 * daily report aggregates. Only the asking tenant's calls are returned — a number that changed owner
 * keeps its previous owner's history private. Expired records (TTL deletes lazily) are filtered out.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { CallRecord } from '../../domain/calls/call-record.js';
import { decodeCursor, encodeCursor, type Page } from '../../ports/paging.js';
import { dynamo } from './client.js';

export interface CallView {
  readonly contactId: string;
  readonly number: string;
  readonly caller: string | null;
  readonly callerRegion: string | null;
  readonly answerNumber: string | null;
  readonly startedAt: string;
  readonly answeredAt: string | null;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly billedSeconds: number;
  readonly charge: number;
  readonly missed: boolean;
  readonly recordingRef: string | null;
}

const view = (r: CallRecord): CallView => ({
  contactId: r.contactId,
  number: r.number,
  caller: r.caller ?? null,
  callerRegion: r.callerRegion ?? null,
  answerNumber: r.answeredBy ?? null,
  startedAt: r.startedAt,
  answeredAt: r.answeredAt ?? null,
  endedAt: r.endedAt,
  durationSeconds: r.durationSeconds,
  billedSeconds: r.billedSeconds,
  charge: r.amount,
  missed: r.missed,
  recordingRef: r.recordingRef ?? null,
});

function rangeQuery(tenantId: string, number: string, fromIso: string, toIso: string, nowSeconds: number) {
  return {
    TableName: tableName('ledger'),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
    FilterExpression: 'tenantId = :t AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
    ExpressionAttributeValues: {
      ':pk': `CALLS#${number}`,
      ':from': fromIso,
      ':to': `${toIso}~`,
      ':t': tenantId,
      ':now': nowSeconds,
    },
  };
}

export async function listCalls(
  tenantId: string,
  number: string,
  fromIso: string,
  toIso: string,
  limit: number,
  cursor: string | undefined,
  now: Date,
): Promise<Page<CallView>> {
  const pk = `CALLS#${number}`;
  let start = decodeCursor(
    cursor,
    (k) => k.gsi2pk === pk && typeof k.gsi2sk === 'string' && typeof k.pk === 'string',
  );
  const items: CallView[] = [];
  // The tenant filter may thin pages out; keep reading until the page is full or the range ends.
  for (let reads = 0; reads < 10; reads++) {
    const out = await dynamo().send(
      new QueryCommand({
        ...rangeQuery(tenantId, number, fromIso, toIso, Math.floor(now.getTime() / 1000)),
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => view(i as unknown as CallRecord)));
    start = out.LastEvaluatedKey as typeof start;
    if (!start || items.length >= limit) break;
  }
  return { items, nextCursor: encodeCursor(start) };
}

/** Every call of the numbers in the range (for reports; bounded by the report's 31-day window). */
export async function callsForReport(
  tenantId: string,
  numbers: readonly string[],
  fromIso: string,
  toIso: string,
  now: Date,
) {
  const calls: CallRecord[] = [];
  for (const number of numbers) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await dynamo().send(
        new QueryCommand({
          ...rangeQuery(tenantId, number, fromIso, toIso, Math.floor(now.getTime() / 1000)),
          ExclusiveStartKey: start,
          ProjectionExpression: 'startedAt, missed, durationSeconds, amount, callerRegion',
        }),
      );
      calls.push(...((out.Items ?? []) as unknown as CallRecord[]));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return calls;
}
