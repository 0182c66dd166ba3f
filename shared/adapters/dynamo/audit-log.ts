/**
 * The audit trail in its own table: partition `AUDIT#<tenant>` (or `AUDIT#platform`), sort key
 * `<ISO instant>#<request id>`, so a tenant's events are read newest first by the key condition alone and
 * a time range is a key condition too. Events are only ever put, each with `attribute_not_exists(pk)`:
 * nothing overwrites one, and the API functions' role may do nothing else (PutItem only).
 * Actor and object filters apply within the tenant's partition (a page may then hold fewer items than
 * its limit; follow `nextCursor`).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { AuditEvent } from '../../domain/audit/audit-event.js';
import type { AuditEventStore, AuditQuery, AuditTrail } from '../../ports/audit.js';
import type { Page } from '../../ports/paging.js';
import { dynamo } from './client.js';
import { queryPage } from './paging.js';

export const auditPartition = (tenantId: string) => `AUDIT#${tenantId}`;

/** Sorts after `#<request id>`, so `to` takes in every event of its instant. */
const UPPER = '~';

export class DynamoAuditLog implements AuditTrail, AuditEventStore {
  async append(event: AuditEvent): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('audit'),
        Item: {
          pk: auditPartition(event.tenantId),
          sk: event.eventId,
          type: 'audit-event',
          actorSub: event.actor.sub,
          actorKind: event.actor.kind,
          ...event,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const pk = auditPartition(query.tenantId);
    const values: Record<string, unknown> = { ':pk': pk };
    const names: Record<string, string> = {};
    let key = 'pk = :pk';
    if (query.from !== undefined || query.to !== undefined) {
      values[':from'] = query.from ?? '';
      values[':to'] = `${query.to ?? UPPER}${UPPER}`;
      key += ' AND sk BETWEEN :from AND :to';
    }
    const filters: string[] = [];
    if (query.actorSub !== undefined) {
      values[':actorSub'] = query.actorSub;
      filters.push('actorSub = :actorSub');
    }
    if (query.actorKind !== undefined) {
      values[':actorKind'] = query.actorKind;
      filters.push('actorKind = :actorKind');
    }
    if (query.object !== undefined) {
      values[':object'] = query.object;
      names['#object'] = 'object';
      filters.push('#object = :object');
    }
    const out = await queryPage<Record<string, unknown>>(
      {
        TableName: tableName('audit'),
        KeyConditionExpression: key,
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ScanIndexForward: false,
      },
      { partitionKey: 'pk', partition: pk, limit: query.limit, cursor: query.cursor },
    );
    return {
      items: out.items.map(toEvent),
      ...(out.nextCursor ? { nextCursor: out.nextCursor } : {}),
    };
  }
}

function toEvent(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, type: _type, actorSub: _a, actorKind: _k, ...event } = item;
  return event as unknown as AuditEvent;
}

export const createDynamoAuditLog = async (): Promise<DynamoAuditLog> => new DynamoAuditLog();
