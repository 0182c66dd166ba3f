/**
 * The alert outbox (ops table OUTBOX#<dedupeKey> / ALERT). An alert item is written in the same
 * transaction as the money movement that crossed a threshold, so a crossing produces exactly one item;
 * pending ones are also on the sparse gsi1 OUTBOX#pending, which the flush reads. A parked alert (refused
 * for good) leaves that partition for the undelivered alerts' (UNDELIVERED#all on gsi1, UNDELIVERED#<tenant>
 * on gsi2: ./undelivered-alerts.ts), keeps its refusal and expires with the table's TTL.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { Notification, PublishRefusal } from '../../ports/notifications.js';
import type { AlertOutboxPort } from '../../ports/outbox.js';
import { TTL_ATTRIBUTE } from '../../table-env.js';
import type { TransactItem } from './account-store.js';
import { dynamo, isConditionFailure } from './client.js';
import { queryFirstPage } from './paging.js';
import { undeliveredIndexKeys } from './undelivered-alerts.js';

const PENDING = 'OUTBOX#pending';

const outboxKey = (alert: Notification) => ({ pk: `OUTBOX#${alert.dedupeKey}`, sk: 'ALERT' });

/** The alert's outbox item, for the transaction of the movement that caused it (written once). */
export function outboxPutAction(alert: Notification, at: string): TransactItem {
  return {
    Put: {
      TableName: tableName('ops'),
      Item: {
        ...outboxKey(alert),
        type: 'alert',
        status: 'pending',
        notification: alert,
        createdAt: at,
        attempts: 0,
        gsi1pk: PENDING,
        gsi1sk: `${at}#${alert.dedupeKey}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export class DynamoAlertOutbox implements AlertOutboxPort {
  async pending(limit: number): Promise<Notification[]> {
    const items = await queryFirstPage({
      TableName: tableName('ops'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': PENDING },
      Limit: limit,
    });
    return items.map((item) => item.notification as Notification);
  }

  async claim(alert: Notification, nowMs: number, untilMs: number): Promise<boolean> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('ops'),
          Key: outboxKey(alert),
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression:
            '#s = :pending AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':until': untilMs, ':now': nowMs, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markSent(alert: Notification, messageId: string, at: string): Promise<void> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('ops'),
          Key: outboxKey(alert),
          UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':pending': 'pending', ':m': messageId, ':at': at },
        }),
      );
    } catch (error) {
      // Already marked by a concurrent flush: nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async markAttempt(alert: Notification, at: string): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: outboxKey(alert),
        UpdateExpression: 'ADD attempts :one SET lastAttemptAt = :at, claimedUntil = :zero',
        ExpressionAttributeValues: { ':one': 1, ':at': at, ':zero': 0 },
      }),
    );
  }

  async park(alert: Notification, refusal: PublishRefusal, at: string, keepUntil: number): Promise<void> {
    // Off the pending partition, onto the undelivered alerts' (the tenant's and every tenant's).
    const listed = undeliveredIndexKeys(alert.tenantId, alert.dedupeKey, at);
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('ops'),
          Key: outboxKey(alert),
          UpdateExpression:
            'SET #s = :parked, parkedAt = :at, lastAttemptAt = :at, refusalCode = :code, refusal = :message, #ttl = :keep, gsi1pk = :all, gsi1sk = :sort, gsi2pk = :tenant, gsi2sk = :sort ADD attempts :one REMOVE claimedUntil',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':parked': 'parked',
            ':pending': 'pending',
            ':at': at,
            ':code': refusal.code,
            ':message': refusal.message,
            ':keep': keepUntil,
            ':one': 1,
            ':all': listed.gsi1pk,
            ':sort': listed.gsi1sk,
            ':tenant': listed.gsi2pk,
          },
        }),
      );
    } catch (error) {
      // Sent or parked by a concurrent flush: nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
