/** An account's items straight from the ledger table: tests check what was written (not the API), and seed accounts. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { queryAll } from '../../shared/adapters/dynamo/paging.js';
import { tableName } from '../../shared/config.js';

/** The tenant's account item ({} when there is none). */
export async function account(tenantId: string): Promise<Record<string, any>> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  return Item ?? {};
}

/** Every ledger entry item of the tenant (LEDGER# rows of its partition), all pages. */
export async function ledgerItems(tenantId: string): Promise<Record<string, any>[]> {
  return queryAll({
    TableName: tableName('ledger'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
    ExpressionAttributeValues: { ':pk': `ACCT#${tenantId}`, ':l': 'LEDGER#' },
    ConsistentRead: true,
  });
}

/** Puts an account with this balance (creating it: a tenant exists once it has an account). */
export async function setBalance(tenantId: string, balance: number) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' } }),
  );
  await dynamo().send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: {
        ...(Item ?? { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT', type: 'account', version: 1 }),
        balance,
        owed: 0,
        status: 'active',
      },
    }),
  );
}
