/**
 * ApplicationStore on DynamoDB (numbers table):
 *
 *   application  `APP#<id>` / `APPLICATION`  (gsi2 by tenant; gsi1 `REVIEW#pending` while submitted;
 *                                             gsi3 `DUE#draft` while a draft or rework deadline runs)
 *   document     `APP#<id>` / `DOC#<documentId>` (the object key never leaves the server)
 *
 * State changes are written with the number's transition (NumberStore.commit, through applicationPut).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import {
  APPLICATION_ID,
  type ApplicationRecord,
  type DocumentRecord,
} from '../../domain/numbers/application.js';
import type { ApplicationStore } from '../../ports/application-store.js';
import { dynamo } from './client.js';
import { dueBefore, failedConditions, type TransactItem, transact } from './number-items.js';
import { queryAll, queryPage } from './paging.js';

const PENDING = 'REVIEW#pending';
const DRAFTS_DUE = 'DUE#draft';
const appKey = (id: string) => ({ pk: `APP#${id}`, sk: 'APPLICATION' as const });
const tenantPartition = (tenantId: string) => `TENANT#${tenantId}#applications`;
const STORAGE_FIELDS = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

function recordOf(item: Record<string, unknown>): ApplicationRecord {
  const record: Record<string, unknown> = { ...item };
  for (const field of STORAGE_FIELDS) delete record[field];
  return record as unknown as ApplicationRecord;
}

/** The item for a record, on the indexes its state puts it on. */
export function applicationItem(app: ApplicationRecord): Record<string, unknown> {
  return {
    ...appKey(app.applicationId),
    type: 'application',
    ...app,
    ...(app.status === 'submitted'
      ? { gsi1pk: PENDING, gsi1sk: `${app.submittedAt}#${app.applicationId}` }
      : {}),
    gsi2pk: tenantPartition(app.tenantId),
    gsi2sk: `${app.createdAt}#${app.applicationId}`,
    ...(app.draftExpiresAt
      ? { gsi3pk: DRAFTS_DUE, gsi3sk: `${app.draftExpiresAt}#${app.applicationId}` }
      : {}),
  };
}

/** Creates (`expectedVersion` undefined) or replaces the application at its version. */
export function applicationPut(app: ApplicationRecord, expectedVersion: number | undefined): TransactItem {
  return {
    Put: {
      TableName: tableName('numbers'),
      Item: applicationItem(app),
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': expectedVersion },
          }),
    },
  };
}

function documentOf(item: Record<string, unknown>): DocumentRecord {
  const { pk: _pk, sk: _sk, type: _t, ...document } = item;
  return document as unknown as DocumentRecord;
}

export function dynamoApplicationStore(): ApplicationStore {
  return {
    async get(applicationId) {
      if (!APPLICATION_ID.test(applicationId)) return undefined;
      const result = await dynamo().send(
        new GetCommand({ TableName: tableName('numbers'), Key: appKey(applicationId), ConsistentRead: true }),
      );
      return result.Item ? recordOf(result.Item) : undefined;
    },

    async documents(applicationId) {
      const result = await dynamo().send(
        new QueryCommand({
          TableName: tableName('numbers'),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
          ExpressionAttributeValues: { ':pk': `APP#${applicationId}`, ':d': 'DOC#' },
          ConsistentRead: true,
        }),
      );
      return (result.Items ?? []).map(documentOf);
    },

    async addDocument(document, maxDocuments) {
      try {
        await transact([
          {
            // The count lives on the application item, so two racing uploads cannot both take the last place.
            Update: {
              TableName: tableName('numbers'),
              Key: appKey(document.applicationId),
              UpdateExpression:
                'SET #count = if_not_exists(#count, :zero) + :one, #version = #version + :one',
              ConditionExpression:
                'attribute_exists(pk) AND #status IN (:draft, :rejected) AND (attribute_not_exists(#count) OR #count < :max)',
              ExpressionAttributeNames: {
                '#count': 'documentCount',
                '#version': 'version',
                '#status': 'status',
              },
              ExpressionAttributeValues: {
                ':zero': 0,
                ':one': 1,
                ':max': maxDocuments,
                ':draft': 'draft',
                ':rejected': 'rejected',
              },
            },
          },
          {
            Put: {
              TableName: tableName('numbers'),
              Item: {
                pk: `APP#${document.applicationId}`,
                sk: `DOC#${document.documentId}`,
                type: 'application_document',
                ...document,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]);
        return true;
      } catch (error) {
        if (!failedConditions(error)) throw error;
        return false;
      }
    },

    async listOfTenant(tenantId, page) {
      const partition = tenantPartition(tenantId);
      const result = await queryPage<Record<string, unknown>>(
        {
          TableName: tableName('numbers'),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
        },
        { partitionKey: 'gsi2pk', partition, limit: page.limit, cursor: page.cursor },
      );
      return { ...result, items: result.items.map(recordOf) };
    },

    async transferQualificationsOf(tenantId, number) {
      // The tenant's own partition of the applications index (the list route's), filtered to this number's
      // transfer applications: a query of one tenant's applications, never a scan of the table.
      const items = await queryAll({
        TableName: tableName('numbers'),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        FilterExpression: '#transfer = :true AND #number = :number',
        ExpressionAttributeNames: { '#transfer': 'transfer', '#number': 'number' },
        ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':true': true, ':number': number },
      });
      return items.map(recordOf);
    },

    async listPending(page) {
      const result = await queryPage<Record<string, unknown>>(
        {
          TableName: tableName('numbers'),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': PENDING },
        },
        { partitionKey: 'gsi1pk', partition: PENDING, limit: page.limit, cursor: page.cursor },
      );
      return { ...result, items: result.items.map(recordOf) };
    },

    async *dueDrafts(at) {
      for await (const item of dueBefore(DRAFTS_DUE, at)) yield String(item.applicationId);
    },
  };
}
