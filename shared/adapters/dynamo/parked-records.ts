/**
 * Parked contact records (ledger `PARKED#<ContactId>` / `PARKED`): written by ingest, listed for operators on
 * gsi2 (`PARKED#records` while open, `PARKED#resolved` once resolved, sorted by `<parkedAt>#<id>`), resolved
 * once under a condition. Ingest re-parks a newer delivery of an open record (it carries the newer contact)
 * but never reopens a resolved one.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { ParkedResolution } from '../../domain/calls/parked-records.js';
import type { ParkedContact } from '../../ports/calls.js';
import { decodeCursor, encodeCursor, type Page } from '../../ports/paging.js';
import type { ParkedFilter, ParkedRecord, ParkedRecordsPort } from '../../ports/parked-records.js';
import { cancellationReasons, dynamo, isConditionFailure } from './client.js';

export const OPEN_PARKED = 'PARKED#records';
export const RESOLVED_PARKED = 'PARKED#resolved';
export const parkedKey = (contactId: string) => ({ pk: `PARKED#${contactId}`, sk: 'PARKED' });
/** What a dismissal leaves at the call's own key: the slot a charge would take (never a ledger entry). */
export const DISMISSED_CALL = 'dismissed_call';

const OPEN = '(attribute_not_exists(#status) OR #status = :open)';

/** Parks records (newer deliveries of open ones replace them; resolved ones stay as they were resolved). */
export async function parkContacts(parked: readonly ParkedContact[], now: Date): Promise<void> {
  const at = now.toISOString();
  const put = async (p: ParkedContact) => {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('ledger'),
          Item: {
            ...parkedKey(p.contactId),
            type: 'parked_record',
            ...p,
            status: 'open',
            parkedAt: at,
            gsi2pk: OPEN_PARKED,
            gsi2sk: `${at}#${p.contactId}`,
          },
          ConditionExpression: `attribute_not_exists(pk) OR ${OPEN}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };
  // Parking is the exception: a few conditional puts at a time (a put per record keeps its condition).
  for (let i = 0; i < parked.length; i += 25) await Promise.all(parked.slice(i, i + 25).map(put));
}

function recordOf(item: Record<string, unknown>): ParkedRecord {
  const { pk: _pk, sk: _sk, type: _type, gsi2pk: _p, gsi2sk: _s, ...rest } = item;
  return { ...(rest as unknown as ParkedRecord), status: (item.status as ParkedRecord['status']) ?? 'open' };
}

function resolvedUpdate(contactId: string, resolution: ParkedResolution) {
  return {
    TableName: tableName('ledger'),
    Key: parkedKey(contactId),
    UpdateExpression: 'SET #status = :status, resolution = :resolution, gsi2pk = :resolved',
    ConditionExpression: `attribute_exists(pk) AND ${OPEN}`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': resolution.status,
      ':resolution': resolution,
      ':resolved': RESOLVED_PARKED,
      ':open': 'open',
    },
  };
}

export class DynamoParkedRecords implements ParkedRecordsPort {
  async get(contactId: string): Promise<ParkedRecord | undefined> {
    const out = await dynamo().send(
      new GetCommand({ TableName: tableName('ledger'), Key: parkedKey(contactId), ConsistentRead: true }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  }

  async page(filter: ParkedFilter, limit: number, cursor: string | undefined): Promise<Page<ParkedRecord>> {
    const partition = filter.status === 'open' ? OPEN_PARKED : RESOLVED_PARKED;
    let start = decodeCursor(
      cursor,
      (k) => k.gsi2pk === partition && typeof k.gsi2sk === 'string' && typeof k.pk === 'string',
    );
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':p': partition };
    if (filter.status !== 'open') {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = filter.status;
    }
    if (filter.code) {
      conditions.push('code = :code');
      values[':code'] = filter.code;
    }
    if (filter.number) {
      conditions.push('#number = :number');
      names['#number'] = 'number';
      values[':number'] = filter.number;
    }
    const items: ParkedRecord[] = [];
    // Filters may thin pages out: read on until the page is full or the partition ends (bounded).
    for (let reads = 0; reads < 10; reads++) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: tableName('ledger'),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p',
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map(recordOf));
      start = out.LastEvaluatedKey as typeof start;
      if (!start || items.length >= limit) break;
    }
    return { items, nextCursor: encodeCursor(start) };
  }

  async markCharged(contactId: string, resolution: ParkedResolution): Promise<boolean> {
    try {
      await dynamo().send(new UpdateCommand(resolvedUpdate(contactId, resolution)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async dismiss(
    contactId: string,
    resolution: ParkedResolution,
  ): Promise<'dismissed' | 'resolved' | 'charged'> {
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: resolvedUpdate(contactId, resolution) },
            {
              Put: {
                TableName: tableName('ledger'),
                Item: {
                  pk: `CALL#${contactId}`,
                  sk: 'CALL',
                  type: DISMISSED_CALL,
                  contactId,
                  dismissedAt: resolution.at,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return 'dismissed';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      return reasons[0] === 'ConditionalCheckFailed' ? 'resolved' : 'charged';
    }
  }
}
