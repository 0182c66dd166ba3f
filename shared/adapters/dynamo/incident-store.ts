/**
 * Service incidents recorded by operators (ops table INCIDENT#<id> / INCIDENT; gsi1 INCIDENTS /
 * <startAt>#<id>). The monthly run reads the incidents overlapping the month, and those of the 3 months
 * before it to credit outages recorded (`recordedAt`) after their month's run started; only closed
 * incidents (with an end) earn credits.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { ServiceIncident } from '../../domain/billing/types.js';
import { conflict } from '../../domain/errors.js';
import type { Page } from '../../ports/paging.js';
import { type Item, queryAll, str } from './billing-dynamo.js';
import { dynamo } from './client.js';
import { queryPage } from './paging.js';

const INDEX_PK = 'INCIDENTS';
/** Longest incident we look back for when a month starts: one that began this long before still counts. */
const LOOKBACK_MS = 31 * 86_400_000;

export interface StoredIncident extends ServiceIncident {
  readonly recordedAt: string;
  readonly recordedBy: string;
}

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

/** Idempotent on the incident id: the same id with the same content is returned; different content is a 409. */
export async function recordIncident(
  incident: StoredIncident,
): Promise<{ incident: StoredIncident; created: boolean }> {
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
    return { incident, created: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await getIncident(incident.incidentId);
    const same =
      existing &&
      existing.startAt === incident.startAt &&
      existing.endAt === incident.endAt &&
      JSON.stringify(existing.numbers) === JSON.stringify(incident.numbers);
    if (!existing || !same)
      throw conflict('incident_exists', `incident ${incident.incidentId} was recorded with other details`);
    return { incident: existing, created: false };
  }
}

export async function getIncident(incidentId: string): Promise<StoredIncident | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ops'), Key: { pk: `INCIDENT#${incidentId}`, sk: 'INCIDENT' } }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** Incidents overlapping [startAt, endAt). */
export async function incidentsOverlapping(startAt: string, endAt: string): Promise<StoredIncident[]> {
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

export async function listIncidents(limit: number, cursor?: string): Promise<Page<StoredIncident>> {
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
