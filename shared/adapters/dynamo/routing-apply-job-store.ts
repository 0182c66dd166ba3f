/** RoutingApplyJobStore on DynamoDB: routing `NUM#<number>` / `APPLY_JOB`, the number's latest apply. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { ApplyJob, RoutingApplyJobStore } from '../../ports/routing-apply-jobs.js';
import { dynamo } from './client.js';

export const APPLY_JOB_SK = 'APPLY_JOB';
const key = (number: string) => ({ pk: `NUM#${number}`, sk: APPLY_JOB_SK });

export function dynamoRoutingApplyJobStore(): RoutingApplyJobStore {
  const item = (job: ApplyJob) => ({ ...key(job.number), type: 'routingApplyJob', ...job });
  return {
    async get(number) {
      const out = await dynamo().send(
        new GetCommand({ TableName: tableName('routing'), Key: key(number), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...job } = out.Item;
      return job as ApplyJob;
    },
    async start(job) {
      await dynamo().send(new PutCommand({ TableName: tableName('routing'), Item: item(job) }));
    },
    async save(job) {
      try {
        await dynamo().send(
          new PutCommand({
            TableName: tableName('routing'),
            Item: item(job),
            ConditionExpression: 'jobId = :id',
            ExpressionAttributeValues: { ':id': job.jobId },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
