/**
 * RoutingHandOver on DynamoDB: a number's routing cleared when it changes hands (the items of
 * ./routing-store.ts). Its own module, apart from the routing store's class, because every numbers
 * function runs this as a lifecycle effect and a class bundles whole: the store's backfills and sweeps
 * would ride along in each of them.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { RoutingHandOver } from '../../ports/routing-hand-over.js';
import { dynamo, isConditionFailure } from './client.js';
import { queryAll } from './paging.js';
import { APPLY_JOB_SK } from './routing-apply-job-store.js';

export function dynamoRoutingHandOver(): RoutingHandOver {
  return {
    async clear(number, options = {}) {
      const { previousOwner, accessNumber } = options;
      const pk = `NUM#${number}`;
      const routing = tableName('routing');
      const ignoreConditionFailure = (error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      };
      const ownedBy = previousOwner
        ? { ConditionExpression: 'tenantId = :owner', ExpressionAttributeValues: { ':owner': previousOwner } }
        : {};
      // Calls first: the snapshot's routing is what rings the answer numbers. A snapshot routed by another
      // tenant's configuration keeps it; one from before routingTenantId existed goes.
      if (accessNumber) {
        await dynamo()
          .send(
            new UpdateCommand({
              TableName: routing,
              Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
              UpdateExpression:
                'REMOVE routing, routingVersion, worstRatePerMinute, rateSteps, routingTenantId, calendarStamp, gsi1pk, gsi1sk',
              ConditionExpression: previousOwner
                ? 'attribute_exists(pk) AND (attribute_not_exists(routingTenantId) OR routingTenantId = :owner)'
                : 'attribute_exists(pk)',
              ...(previousOwner ? { ExpressionAttributeValues: { ':owner': previousOwner } } : {}),
            }),
          )
          .catch(ignoreConditionFailure);
      }
      await dynamo().send(new DeleteCommand({ TableName: routing, Key: { pk, sk: 'APPLIED' } }));
      await dynamo()
        .send(new DeleteCommand({ TableName: routing, Key: { pk, sk: APPLY_JOB_SK }, ...ownedBy }))
        .catch(ignoreConditionFailure);
      // Versions before the head: while the head stands, a next owner's write continues its numbering and
      // never collides with a version row left behind.
      const versions = await queryAll({
        TableName: routing,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :versions)',
        ExpressionAttributeValues: { ':pk': pk, ':versions': 'CONFIG#V' },
        ProjectionExpression: 'pk, sk',
      });
      for (const version of versions) {
        await dynamo()
          .send(new DeleteCommand({ TableName: routing, Key: { pk, sk: version.sk }, ...ownedBy }))
          .catch(ignoreConditionFailure);
      }
      await dynamo()
        .send(new DeleteCommand({ TableName: routing, Key: { pk, sk: 'CONFIG' }, ...ownedBy }))
        .catch(ignoreConditionFailure);
    },
  };
}
