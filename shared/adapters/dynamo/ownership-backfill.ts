/**
 * The ownership backfill's store: number items scanned from the numbers table (`sk = NUMBER`), their history
 * and contract through the number store, and the periods written under the number's version.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { OwnershipBackfillStore } from '../../ports/ownership-backfill.js';
import { dynamo, isConditionFailure } from './client.js';
import { numberKey, recordOf } from './number-items.js';
import { dynamoNumberStore } from './number-store.js';
import { scanPages } from './paging.js';

export function dynamoOwnershipBackfill(): OwnershipBackfillStore {
  const numbers = dynamoNumberStore();
  return {
    async *numbers() {
      for await (const page of scanPages({
        TableName: tableName('numbers'),
        FilterExpression: 'sk = :number',
        ExpressionAttributeValues: { ':number': 'NUMBER' },
      }))
        yield page.map(recordOf);
    },
    get: (number) => numbers.get(number),
    history: (number) => numbers.history(number),
    contract: (number, contractId) => numbers.contract(number, contractId),
    async writeOwners(number, owners, at) {
      try {
        await dynamo().send(
          new UpdateCommand({
            TableName: tableName('numbers'),
            Key: numberKey(number.number),
            UpdateExpression: 'SET owners = :owners, ownershipBackfilledAt = :at, #version = :next',
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':owners': owners,
              ':at': at,
              ':version': number.version,
              ':next': number.version + 1,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
