/**
 * The routing reads through the SDK's document client (see ./item-reads.ts for when this is used).
 * The SDK is imported dynamically: a static import would be hoisted into the routing Lambda's bundle and
 * loaded on every cold start, which is what the direct path exists to avoid.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchGetRequest, ItemReads } from './item-reads.js';

export function sdkItemReads(client: () => DynamoDBDocumentClient): ItemReads {
  const commands = import('@aws-sdk/lib-dynamodb');
  return {
    async get(table, key, abortSignal) {
      const { GetCommand } = await commands;
      const out = await client().send(new GetCommand({ TableName: table, Key: key }), { abortSignal });
      return out.Item;
    },
    async batchGet(request, abortSignal) {
      const { BatchGetCommand } = await commands;
      const out = await client().send(new BatchGetCommand({ RequestItems: request }), { abortSignal });
      return {
        responses: out.Responses ?? {},
        unprocessed: (out.UnprocessedKeys ?? {}) as BatchGetRequest,
      };
    },
  };
}

/** The SDK's default credential chain and endpoint resolution, for environments without env credentials. */
export async function sdkItemReadsFromEnv(): Promise<ItemReads> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
  return sdkItemReads(() => client);
}
