/**
 * The alert outbox (ops table OUTBOX#<dedupeKey> / ALERT). An alert item is written in the same
 * transaction as the money movement that crossed a threshold, so a crossing produces exactly one item;
 * after the commit it is published through the notifications port and marked sent. A failed publish
 * leaves it pending (sparse gsi1 OUTBOX#pending) for the next flush — retried, never lost, and the
 * retry never touches money.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { Account, Crossing } from '../../domain/accounts/account.js';
import { logger } from '../../observability.js';
import type { Notification } from '../../ports/notifications.js';
import { clock, port } from '../../runtime/ports.js';
import type { TransactItem } from './account-store.js';
import { dynamo } from './client.js';
import { queryFirstPage } from './paging.js';

const PENDING = 'OUTBOX#pending';

export interface OutboxEntry {
  readonly pk: string;
  readonly sk: string;
  readonly notification: Notification;
}

export function notificationFor(account: Account, crossing: Crossing): Notification {
  return {
    tenantId: account.tenantId,
    kind: crossing.kind,
    subject: crossing.subject,
    text: crossing.text,
    dedupeKey: crossing.dedupeKey,
    attributes: {
      ...(account.alertEmails.length ? { emails: account.alertEmails.join(',') } : {}),
      ...(account.alertPhones.length ? { phones: account.alertPhones.join(',') } : {}),
    },
  };
}

export function outboxPutAction(
  notification: Notification,
  at: string,
): { action: TransactItem; entry: OutboxEntry } {
  const key = { pk: `OUTBOX#${notification.dedupeKey}`, sk: 'ALERT' };
  return {
    entry: { ...key, notification },
    action: {
      Put: {
        TableName: tableName('ops'),
        Item: {
          ...key,
          type: 'alert',
          status: 'pending',
          notification,
          createdAt: at,
          attempts: 0,
          gsi1pk: PENDING,
          gsi1sk: `${at}#${notification.dedupeKey}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** Publishes committed outbox entries and marks each sent; a failure stays pending for the next flush. */
export async function publishOutbox(entries: readonly OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const notifications = await port('notifications');
  let sent = 0;
  for (const entry of entries) {
    // Concurrent invocations flush the same pending items: only the one holding the claim publishes.
    if (!(await claim(entry))) continue;
    try {
      const { messageId } = await notifications.publish(entry.notification);
      await markSent(entry, messageId);
      sent++;
    } catch (error) {
      logger.warn('alert publish failed; it stays in the outbox for a retry', {
        dedupeKey: entry.notification.dedupeKey,
        error: error as Error,
      });
      await markAttempt(entry).catch(() => undefined);
    }
  }
  return sent;
}

/** A claim lasts long enough for one publish; a claimer that died is replaced once it lapses. */
const CLAIM_MS = 60_000;

async function claim(entry: OutboxEntry): Promise<boolean> {
  const now = clock().now().getTime();
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: { pk: entry.pk, sk: entry.sk },
        UpdateExpression: 'SET claimedUntil = :until',
        ConditionExpression: '#s = :pending AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':until': now + CLAIM_MS, ':now': now, ':pending': 'pending' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function markSent(entry: OutboxEntry, messageId: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: { pk: entry.pk, sk: entry.sk },
        UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':pending': 'pending',
          ':m': messageId,
          ':at': clock().now().toISOString(),
        },
      }),
    )
    .catch((error: Error) => {
      // Already marked by a concurrent flush: nothing to do.
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

async function markAttempt(entry: OutboxEntry): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('ops'),
      Key: { pk: entry.pk, sk: entry.sk },
      // Released at once so the next flush retries it.
      UpdateExpression: 'ADD attempts :one SET lastAttemptAt = :at, claimedUntil = :zero',
      ExpressionAttributeValues: { ':one': 1, ':at': clock().now().toISOString(), ':zero': 0 },
    }),
  );
}

/** Publishes alerts left pending by an earlier failure (run at each ingest and by the outbox job). */
export async function flushPendingAlerts(limit = 50): Promise<number> {
  // Through the wire like the charges (it runs before every ingest batch; the SDK's stack cost more).
  const items = await queryFirstPage({
    TableName: tableName('ops'),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': PENDING },
    Limit: limit,
  });
  const entries = items.map((item) => ({
    pk: String(item.pk),
    sk: String(item.sk),
    notification: item.notification as Notification,
  }));
  return publishOutbox(entries);
}
