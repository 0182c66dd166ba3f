/**
 * The notifier's delivery records on the ops table: one item per (notification, channel, recipient), pk
 * `DELIVERY#<tenant>#<template>#<dedupe key>`, sk `<channel>#<recipient>`, so one Query reads a notification's
 * records. Each is written once (PutItem on `attribute_not_exists`: a parallel delivery of the same message
 * that recorded first wins, and the second write changes nothing) and expires after DELIVERY_RECORD_DAYS, or
 * UNDELIVERED_KEPT_DAYS for a refused recipient, which is listed as an undelivered alert.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { epochSeconds, epochSecondsAfterDays } from '../../domain/calendar-date.js';
import type {
  DeliveryRecord,
  DeliveryState,
  NotificationDeliveries,
  NotificationRef,
  RecordedNotification,
} from '../../ports/notification-deliveries.js';
import type { Channel } from '../../ports/notifications.js';
import { UNDELIVERED_KEPT_DAYS } from '../../ports/undelivered-alerts.js';
import { TTL_ATTRIBUTE } from '../../table-env.js';
import { dynamo, isConditionFailure } from './client.js';
import { queryAll } from './paging.js';
import { undeliveredIndexKeys } from './undelivered-alerts.js';

/**
 * How long a record is kept: past any redelivery of its message. A notifications message lives at most the
 * queue's 14-day retention, dead-letter queue included (SQS keeps the original enqueue time), and a redrive
 * from the dead-letter queue starts a new 14 days: 28 days, and 2 to spare.
 */
export const DELIVERY_RECORD_DAYS = 30;

const partition = (n: NotificationRef) => `DELIVERY#${n.tenantId}#${n.template}#${n.dedupeKey}`;

/**
 * The record's item: what a Put writes (exported for the model checks in tests). A refused recipient is an
 * undelivered alert too: it carries what the alert was about and the undelivered alerts' index keys
 * (./undelivered-alerts.ts), and is kept as long as they are listed.
 */
export function deliveryItem(notification: RecordedNotification, record: DeliveryRecord) {
  const sk = `${record.delivery.channel}#${record.delivery.to}`;
  const refused = record.state === 'refused';
  return {
    pk: partition(notification),
    sk,
    type: 'notification-delivery',
    channel: record.delivery.channel,
    to: record.delivery.to,
    state: record.state,
    at: record.at,
    detail: record.detail,
    ...(refused
      ? {
          tenantId: notification.tenantId,
          template: notification.template,
          kind: notification.kind,
          params: notification.params,
          ...undeliveredIndexKeys(notification.tenantId, notification.dedupeKey, record.at, sk),
        }
      : {}),
    [TTL_ATTRIBUTE]: epochSecondsAfterDays(record.at, refused ? UNDELIVERED_KEPT_DAYS : DELIVERY_RECORD_DAYS),
  };
}

export class DynamoNotificationDeliveries implements NotificationDeliveries {
  async settled(notification: NotificationRef, now: string): Promise<DeliveryRecord[]> {
    const items = await queryAll({
      TableName: tableName('ops'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition(notification) },
      ConsistentRead: true,
    });
    // DynamoDB deletes expired items lazily: one past its expiry is no record.
    const nowSeconds = epochSeconds(now);
    return items
      .filter((item) => typeof item[TTL_ATTRIBUTE] === 'number' && item[TTL_ATTRIBUTE] > nowSeconds)
      .map((item) => ({
        delivery: { channel: item.channel as Channel, to: String(item.to) },
        state: item.state as DeliveryState,
        at: String(item.at),
        detail: String(item.detail),
      }));
  }

  async record(notification: RecordedNotification, record: DeliveryRecord): Promise<void> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('ops'),
          Item: deliveryItem(notification, record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
