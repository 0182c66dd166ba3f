/**
 * Service incidents recorded by operators (ops table INCIDENT#<id> / INCIDENT; gsi1 INCIDENTS /
 * <startAt>#<id>).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { IncidentStore, StoredIncident } from '../../ports/incidents.js';
import type { Page } from '../../ports/paging.js';
import { type Item, queryAll, queryPage, str } from './billing-dynamo.js';
import { dynamo, isConditionFailure } from './client.js';

const INDEX_PK = 'INCIDENTS';
/** The index is by start: an incident that began up to this long before a period can still overlap it. */
const LOOKBACK_MS = 31 * 86_400_000;

function fromItem(item: Item): StoredIncident {
  return {
    incidentId: String(item.incidentId),
    startAt: String(item.startAt),
    endAt: String(item.endAt),
    numbers: item.numbers === 'all' ? 'all' : Array.isArray(item.numbers) ? item.numbers.map(String) : [],
    description: str(item.description) ?? '',
    recordedAt: String(item.recordedAt),
    recordedBy: String(item.recordedBy),
  };
}

async function create(incident: StoredIncident): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('ops'),
        Item: {
          pk: `INCIDENT#${incident.incidentId}`,
          sk: 'INCIDENT',
          type: 'incident',
          ...incident,
          gsi1pk: INDEX_PK,
          gsi1sk: `${incident.startAt}#${incident.incidentId}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function get(incidentId: string): Promise<StoredIncident | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ops'), Key: { pk: `INCIDENT#${incidentId}`, sk: 'INCIDENT' } }),
  );
  return Item ? fromItem(Item) : undefined;
}

async function overlapping(startAt: string, endAt: string): Promise<StoredIncident[]> {
  const items = await queryAll({
    TableName: tableName('ops'),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': INDEX_PK,
      ':from': new Date(Date.parse(startAt) - LOOKBACK_MS).toISOString(),
      ':to': endAt,
    },
  });
  return items.map(fromItem).filter((i) => i.startAt < endAt && i.endAt > startAt);
}

async function list(limit: number, cursor?: string): Promise<Page<StoredIncident>> {
  const page = await queryPage(
    {
      TableName: tableName('ops'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': INDEX_PK },
      ScanIndexForward: false,
    },
    { partitionKey: 'gsi1pk', partition: INDEX_PK, limit, cursor },
  );
  return { ...page, items: page.items.map(fromItem) };
}

export const dynamoIncidents: IncidentStore = { create, get, overlapping, list };
