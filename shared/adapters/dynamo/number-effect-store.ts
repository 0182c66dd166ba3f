/**
 * NumberEffectStore on DynamoDB:
 *
 *   effect   numbers `EFFECT#<effectId>` / `EFFECT`, while pending on gsi3 `DUE#effects` / `<due>#<effectId>`
 *
 * Refunds at cancellation are the payments area's (request-refund.ts): only money paid in, per payment.
 *
 * Pending effects are written with their transition (NumberStore.commit, through effectPut).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { EffectRecord, NumberEffectStore, PendingEffect } from '../../ports/number-effect-store.js';
import { contractFromItem } from './billing-contracts.js';
import { dynamo } from './client.js';
import { dueBefore, getContractItem, type TransactItem } from './number-items.js';

export const EFFECTS_DUE = 'DUE#effects';
export const effectKey = (effectId: string) => ({ pk: `EFFECT#${effectId}`, sk: 'EFFECT' as const });

function effectOf(item: Record<string, unknown>): EffectRecord {
  const { pk: _pk, sk: _sk, type: _t, kind: _k, gsi3pk: _p, gsi3sk: _s, ...effect } = item;
  return effect as unknown as EffectRecord;
}

/** The pending effect item, written with the transition (never twice: its id is unique per transition). */
export function effectPut(effect: PendingEffect): TransactItem {
  return {
    Put: {
      TableName: tableName('numbers'),
      Item: {
        ...effectKey(effect.effectId),
        type: 'number_effect',
        ...effect,
        kind: effect.payload.kind,
        status: 'pending',
        attempts: 0,
        gsi3pk: EFFECTS_DUE,
        gsi3sk: `${effect.at}#${effect.effectId}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function dynamoNumberEffectStore(): NumberEffectStore {
  return {
    async get(effectId) {
      const result = await dynamo().send(
        new GetCommand({ TableName: tableName('numbers'), Key: effectKey(effectId), ConsistentRead: true }),
      );
      return result.Item ? effectOf(result.Item) : undefined;
    },

    async due(at) {
      const items: EffectRecord[] = [];
      for await (const item of dueBefore(EFFECTS_DUE, at)) items.push(effectOf(item));
      return items;
    },

    async markDone(effectId, at, keepUntil) {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('numbers'),
          Key: effectKey(effectId),
          UpdateExpression: 'SET #status = :done, doneAt = :at, expiresAt = :ttl REMOVE gsi3pk, gsi3sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':at': at, ':ttl': keepUntil },
        }),
      );
    },

    async markRetry(effectId, retry) {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('numbers'),
          Key: effectKey(effectId),
          UpdateExpression: 'SET attempts = :n, lastError = :e, lastAttemptAt = :now, gsi3sk = :due',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':n': retry.attempts,
            ':e': retry.lastError,
            ':now': retry.lastAttemptAt,
            ':due': `${retry.due}#${effectId}`,
            ':pending': 'pending',
          },
        }),
      );
    },

    async billingContract(number, contractId, defaultZone) {
      const item = await getContractItem(number, contractId);
      const contract = item ? contractFromItem(item, defaultZone) : undefined;
      if (!contract) return undefined;
      const endedAt = typeof item?.endedAt === 'string' ? item.endedAt : undefined;
      return { contract, ...(endedAt ? { endedAt } : {}) };
    },
  };
}
