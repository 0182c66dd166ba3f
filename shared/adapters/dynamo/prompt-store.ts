/**
 * The tenants' registered prompts in DynamoDB (implements PromptStore of shared/ports/prompts.ts):
 *   routing PROMPTS#<tenantId> / PROMPT#<promptId>   promptId, tenantId, name, objectKey, createdAt
 * Keyed by tenant, so a read for one tenant can never return another's prompt.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { isPromptId, type PromptRecord } from '../../domain/routing/prompts.js';
import type { PromptStore } from '../../ports/prompts.js';
import { dynamo, isConditionFailure } from './client.js';
import { batchGetItems, queryPage } from './paging.js';

const keyOf = (tenantId: string, promptId: string) => ({
  pk: `PROMPTS#${tenantId}`,
  sk: `PROMPT#${promptId}`,
});

const recordOf = (item: Record<string, unknown>): PromptRecord => {
  const { promptId, tenantId, name, objectKey, createdAt } = item as unknown as PromptRecord;
  return { promptId, tenantId, name, objectKey, createdAt };
};

export class DynamoPromptStore implements PromptStore {
  async add(prompt: PromptRecord): Promise<boolean> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('routing'),
          Item: { ...keyOf(prompt.tenantId, prompt.promptId), type: 'prompt', ...prompt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(tenantId: string, promptId: string): Promise<PromptRecord | undefined> {
    if (!isPromptId(promptId)) return undefined;
    const out = await dynamo().send(
      new GetCommand({ TableName: tableName('routing'), Key: keyOf(tenantId, promptId) }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  }

  async list(tenantId: string, page: { readonly limit: number; readonly cursor?: string }) {
    const partition = `PROMPTS#${tenantId}`;
    const result = await queryPage<Record<string, unknown>>(
      {
        TableName: tableName('routing'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prompt)',
        ExpressionAttributeValues: { ':pk': partition, ':prompt': 'PROMPT#' },
      },
      { partitionKey: 'pk', partition, limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) },
    );
    return { ...result, items: result.items.map(recordOf) };
  }

  async owned(tenantId: string, promptIds: readonly string[]): Promise<ReadonlySet<string>> {
    const ids = promptIds.filter(isPromptId);
    if (ids.length === 0) return new Set();
    const found = await batchGetItems(
      tableName('routing'),
      ids.map((id) => keyOf(tenantId, id)),
    );
    return new Set([...found.values()].map((item) => String(item.promptId)));
  }
}
