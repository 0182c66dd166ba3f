/**
 * The tenants' registered prompts in DynamoDB (implements PromptStore of shared/ports/prompts.ts):
 *   routing PROMPTS#<tenantId> / PROMPT#<promptId>   promptId, tenantId, name, objectKey, createdAt
 *   routing PROMPTS#<tenantId> / COUNT               registered (how many prompt items the tenant has)
 * The count changes in the same transaction as the prompt item, under a condition, so concurrent
 * registrations never take the tenant past its limit.
 * Keyed by tenant, so a read for one tenant can never return another's prompt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { isPromptId, type PromptRecord } from '../../domain/routing/prompts.js';
import type { PromptStore } from '../../ports/prompts.js';
import { cancellationReasons, dynamo, isConditionFailure } from './client.js';
import { batchGetItems, queryPage } from './paging.js';

const keyOf = (tenantId: string, promptId: string) => ({
  pk: `PROMPTS#${tenantId}`,
  sk: `PROMPT#${promptId}`,
});

const countKey = (tenantId: string) => ({ pk: `PROMPTS#${tenantId}`, sk: 'COUNT' });

/**
 * Runs a transaction, again when only a concurrent transaction on the same items cancelled it (DynamoDB
 * cancels rather than queues them; registrations racing for the count do): the reasons when a condition
 * failed, undefined when it was written.
 */
async function transactWithRetry(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<readonly (string | undefined)[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons.includes('ConditionalCheckFailed')) return reasons;
      if (!reasons.includes('TransactionConflict') || attempt >= 8) throw error;
      await sleep(Math.random() * 20 * 2 ** attempt);
    }
  }
}

const recordOf = (item: Record<string, unknown>): PromptRecord => {
  const { promptId, tenantId, name, objectKey, createdAt } = item as unknown as PromptRecord;
  return { promptId, tenantId, name, objectKey, createdAt };
};

export class DynamoPromptStore implements PromptStore {
  async add(prompt: PromptRecord, limit: number): Promise<'added' | 'exists' | 'limit_reached'> {
    const reasons = await transactWithRetry([
      {
        Put: {
          TableName: tableName('routing'),
          Item: { ...keyOf(prompt.tenantId, prompt.promptId), type: 'prompt', ...prompt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName('routing'),
          Key: countKey(prompt.tenantId),
          UpdateExpression: 'ADD registered :one SET #type = :type',
          ConditionExpression: 'attribute_not_exists(registered) OR registered < :limit',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':type': 'promptCount' },
        },
      },
    ]);
    if (!reasons) return 'added';
    return reasons[0] === 'ConditionalCheckFailed' ? 'exists' : 'limit_reached';
  }

  async remove(tenantId: string, promptId: string): Promise<boolean> {
    if (!isPromptId(promptId)) return false;
    const reasons = await transactWithRetry([
      {
        Delete: {
          TableName: tableName('routing'),
          Key: keyOf(tenantId, promptId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName('routing'),
          Key: countKey(tenantId),
          UpdateExpression: 'ADD registered :minusOne',
          ConditionExpression: 'registered > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        },
      },
    ]);
    if (!reasons) return true;
    if (reasons[0] === 'ConditionalCheckFailed') return false;
    // No count to lower (a prompt registered before counting began): the prompt item alone.
    try {
      await dynamo().send(
        new DeleteCommand({
          TableName: tableName('routing'),
          Key: keyOf(tenantId, promptId),
          ConditionExpression: 'attribute_exists(pk)',
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
