/**
 * PrepaidFunds on DynamoDB: the account item and the payment summary (ledger table) read together in one
 * TransactGetItems, so the balance and the non-refundable credit it includes come from the same instant
 * (a promotional credit writes both in one transaction).
 */
import { GetCommand, TransactGetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { PrepaidFunds } from '../../ports/prepaid-funds.js';
import { accountKey } from './account-store.js';
import { dynamo } from './client.js';
import { ledgerEntryKey } from './ledger-store.js';
import { summaryKey } from './payment-store.js';

const fen = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function dynamoPrepaidFunds(): PrepaidFunds {
  return {
    async read(tenantId) {
      const TableName = tableName('ledger');
      const { Responses } = await dynamo().send(
        new TransactGetCommand({
          TransactItems: [
            { Get: { TableName, Key: accountKey(tenantId) } },
            { Get: { TableName, Key: summaryKey(tenantId) } },
          ],
        }),
      );
      const account = Responses?.[0]?.Item;
      const summary = Responses?.[1]?.Item;
      return {
        balance: fen(account?.balance),
        nonRefundableCredited: fen(summary?.nonRefundable),
        accountVersion: fen(account?.version),
      };
    },

    async postedAmount(tenantId, key) {
      const { Item } = await dynamo().send(
        new GetCommand({
          TableName: tableName('ledger'),
          Key: ledgerEntryKey(tenantId, key),
          ConsistentRead: true,
        }),
      );
      return typeof Item?.amount === 'number' ? Item.amount : undefined;
    },
  };
}
