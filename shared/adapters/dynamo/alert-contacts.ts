/**
 * A tenant's alert contacts (the account item's alertEmails and alertPhones, set by PUT /v1/account/alerts):
 * who receives a notification that names no recipients. One GetItem, projected to the two lists.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { Recipients } from '../../ports/notifications.js';
import { accountKey } from './account-store.js';
import { dynamo } from './client.js';

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export async function alertContacts(tenantId: string): Promise<Recipients> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: accountKey(tenantId),
      ProjectionExpression: 'alertEmails, alertPhones',
    }),
  );
  return { emails: strings(out.Item?.alertEmails), phones: strings(out.Item?.alertPhones) };
}
