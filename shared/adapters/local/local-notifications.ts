/**
 * The local notifications adapter: what SNS would have published goes into an in-memory outbox, shown at
 * GET /local/outbox. Every successful publish is kept, duplicates included, so tests can assert that an
 * alert went out exactly once. `failNext(n)` makes the next publishes fail (fault tests).
 */
import type { Notification, NotificationsPort } from '../../ports/notifications.js';

export interface OutboxMessage extends Notification {
  readonly messageId: string;
  readonly publishedAt: string;
}

export interface LocalNotifications extends NotificationsPort {
  readonly messages: readonly OutboxMessage[];
  /** Messages for one tenant, oldest first. */
  sent(tenantId: string): readonly OutboxMessage[];
  /** Publish attempts, including failed and repeated ones. */
  readonly attempts: number;
  failNext(count: number): void;
  clear(): void;
}

export function createLocalNotifications(): LocalNotifications {
  const messages: OutboxMessage[] = [];
  let failures = 0;
  let attempts = 0;
  return {
    get messages() {
      return messages;
    },
    get attempts() {
      return attempts;
    },
    sent: (tenantId) => messages.filter((m) => m.tenantId === tenantId),
    failNext(count) {
      failures = count;
    },
    clear() {
      messages.length = 0;
    },
    async publish(notification) {
      attempts++;
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('injected publish failure'), { name: 'InternalErrorException' });
      }
      const message: OutboxMessage = {
        ...notification,
        messageId: crypto.randomUUID(),
        publishedAt: new Date().toISOString(),
      };
      messages.push(message);
      return { messageId: message.messageId };
    },
  };
}
