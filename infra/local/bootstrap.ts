/** Creates the tables from their one definition (shared/tables.ts) on the local engine. */
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_LIST, type TableDefinition } from '../../shared/tables.js';

export function physicalTableName(definition: TableDefinition, prefix: string): string {
  return `${prefix}${definition.id}`;
}

/** Environment variables that point functions at the local tables. */
export function tableEnvironment(prefix: string): Record<string, string> {
  return Object.fromEntries(TABLE_LIST.map((t) => [t.envVar, physicalTableName(t, prefix)]));
}

export async function createTables(client: DynamoDBClient, prefix: string): Promise<void> {
  for (const definition of TABLE_LIST) {
    const keyNames = new Set<string>([definition.partitionKey, definition.sortKey]);
    for (const index of definition.indexes) {
      keyNames.add(index.partitionKey);
      if (index.sortKey) keyNames.add(index.sortKey);
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: physicalTableName(definition, prefix),
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: definition.partitionKey, KeyType: 'HASH' },
            { AttributeName: definition.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: definition.indexes.length
            ? definition.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                  ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: { ProjectionType: 'ALL' as const },
              }))
            : undefined,
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (definition.ttlAttribute) {
      // dynalite accepts the call but never expires items: readers filter on the attribute anyway.
      await client
        .send(
          new UpdateTimeToLiveCommand({
            TableName: physicalTableName(definition, prefix),
            TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
          }),
        )
        .catch(() => undefined);
    }
  }
}
