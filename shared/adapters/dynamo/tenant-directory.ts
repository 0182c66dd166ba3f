/** Tenants exist as accounts: the ledger table's `ACCT#<tenant>` / `ACCOUNT` item. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { TenantDirectory } from '../../ports/tenant-directory.js';
import { dynamo } from './client.js';

export function dynamoTenantDirectory(): TenantDirectory {
  return {
    async exists(tenantId) {
      const account = await dynamo().send(
        new GetCommand({
          TableName: tableName('ledger'),
          Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
          ProjectionExpression: 'pk',
        }),
      );
      return account.Item !== undefined;
    },
  };
}
