/**
 * Alerts refused for good, listed from the ops table without a scan. The items are where they were written: a
 * parked outbox alert (OUTBOX#<dedupe key> / ALERT, ./account-alerts.ts) and a refused delivery record
 * (DELIVERY#… / <channel>#<recipient>, ./notification-deliveries.ts). Each also carries two sparse index keys,
 * set by the write that refuses it:
 *   gsi2pk UNDELIVERED#<tenantId>, gsi2sk <refused at>#<digest of the alert and recipient>  (a tenant's)
 *   gsi1pk UNDELIVERED#all,        gsi1sk the same                                        (every tenant's)
 * so either list is one Query, newest first. Both items expire UNDELIVERED_KEPT_DAYS after the refusal (the
 * table's TTL); DynamoDB deletes lazily, so a page leaves out what has expired.
 */
import { createHash } from 'node:crypto';
import { tableName } from '../../config.js';
import { epochSeconds } from '../../domain/calendar-date.js';
import type { Channel, Notification } from '../../ports/notifications.js';
import type { Page } from '../../ports/paging.js';
import type { UndeliveredAlert, UndeliveredAlertsPort } from '../../ports/undelivered-alerts.js';
import { TTL_ATTRIBUTE } from '../../table-env.js';
import { type Item, queryPage } from './paging.js';

const ACROSS_TENANTS = 'UNDELIVERED#all';
const tenantPartition = (tenantId: string) => `UNDELIVERED#${tenantId}`;

/**
 * The index keys of an alert refused for good at `at` (and the recipient, when the provider refused one). The
 * sort key names the alert by a digest: a parked alert's dedupe key may be past any bound (that can be why it
 * was refused), and an index sort key holds 1,024 bytes at most; the instant alone orders the list.
 */
export function undeliveredIndexKeys(tenantId: string, dedupeKey: string, at: string, recipient?: string) {
  const alert = createHash('sha256')
    .update(JSON.stringify([dedupeKey, recipient ?? null]))
    .digest('base64url');
  const sort = `${at}#${alert}`;
  return { gsi1pk: ACROSS_TENANTS, gsi1sk: sort, gsi2pk: tenantPartition(tenantId), gsi2sk: sort };
}

/** A listed item as the port shows it: a parked outbox alert or a refused delivery record. */
function undeliveredOf(item: Item): UndeliveredAlert {
  if (item.type === 'alert') {
    const notification = item.notification as Notification;
    return {
      tenantId: notification.tenantId,
      kind: notification.kind,
      template: notification.template,
      params: notification.params,
      stage: 'hand_over',
      refusedAt: String(item.parkedAt),
      code: String(item.refusalCode),
      message: String(item.refusal),
    };
  }
  return {
    tenantId: String(item.tenantId),
    kind: item.kind as UndeliveredAlert['kind'],
    template: item.template as UndeliveredAlert['template'],
    params: (item.params ?? {}) as Record<string, string>,
    stage: 'provider',
    channel: item.channel as Channel,
    recipient: String(item.to),
    refusedAt: String(item.at),
    code: String(item.detail),
  };
}

export class DynamoUndeliveredAlerts implements UndeliveredAlertsPort {
  /** The clock's instant, so a page leaves out items past their expiry that DynamoDB has not yet deleted. */
  constructor(private readonly now: () => Date) {}

  forTenant(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<UndeliveredAlert>> {
    return this.page('gsi2', tenantPartition(tenantId), limit, cursor);
  }

  all(limit: number, cursor: string | undefined): Promise<Page<UndeliveredAlert>> {
    return this.page('gsi1', ACROSS_TENANTS, limit, cursor);
  }

  private async page(
    index: 'gsi1' | 'gsi2',
    partition: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<UndeliveredAlert>> {
    const partitionKey = `${index}pk`;
    const page = await queryPage(
      {
        TableName: tableName('ops'),
        IndexName: index,
        KeyConditionExpression: '#p = :pk',
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#p': partitionKey, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':pk': partition, ':now': epochSeconds(this.now().toISOString()) },
        ScanIndexForward: false,
      },
      { partitionKey, partition, limit, cursor },
    );
    return { ...page, items: page.items.map(undeliveredOf) };
  }
}
