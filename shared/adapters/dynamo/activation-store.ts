/**
 * ActivationStore on DynamoDB: numbers `NUM#<number>` / `ACTIVATION`, one per number (its latest approval's
 * activation), replaced only within its application and generation.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { ActivationRecord, ActivationStore } from '../../ports/activation-store.js';
import { dynamo } from './client.js';

const key = (number: string) => ({ pk: `NUM#${number}`, sk: 'ACTIVATION' });

function recordOf(item: Record<string, unknown>): ActivationRecord {
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as ActivationRecord;
}

export function dynamoActivationStore(): ActivationStore {
  const get = async (number: string) => {
    const out = await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: key(number), ConsistentRead: true }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  };
  const put = async (record: ActivationRecord, condition: string) => {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('numbers'),
          Item: { ...key(record.number), type: 'numberActivation', ...record },
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':g': record.generation, ':app': record.applicationId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  return {
    get,
    async start(record) {
      // A new owner's application replaces the previous owner's activation whatever its generation.
      if (await put(record, 'attribute_not_exists(pk) OR applicationId <> :app OR generation < :g'))
        return record;
      return (await get(record.number)) ?? record;
    },
    save: (record) => put(record, 'applicationId = :app AND generation = :g'),
  };
}
