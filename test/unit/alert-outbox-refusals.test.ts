/**
 * The alert outbox's flush against an outbox kept in memory as the DynamoDB one keeps it (pending list,
 * claims, sent, parked): an alert the notifications port refuses for good (`invalid_message`) is tried once,
 * parked with the refusal and an expiry 90 days on, and reported; one that fails for now is tried on every
 * flush until it goes through. Before parking existed, the refused alert was tried on every flush, forever.
 */
import { describe, expect, it } from 'vitest';
import { queuedNotifications } from '../../shared/adapters/messaging/queued-notifications.js';
import { flushAlertOutbox } from '../../shared/app/accounts/flush-alert-outbox.js';
import { invalid } from '../../shared/domain/errors.js';
import { TestClock } from '../../shared/ports/clock.js';
import {
  type Notification,
  type NotificationsPort,
  type PublishRefusal,
  publishRefusal,
} from '../../shared/ports/notifications.js';
import type { AlertOutboxPort } from '../../shared/ports/outbox.js';
import { MessageTooLargeError } from '../../shared/ports/work-queue.js';

const AT = '2026-11-26T04:00:00.000Z';
// 2026-11-26T04:00Z is 1,795,665,600 s after the epoch (20,783 days × 86,400 + 4 × 3,600); 90 days more:
// + 7,776,000 = 1,803,441,600 (2027-02-24T04:00Z).
const KEEP_UNTIL = 1_803_441_600;

const alert = (dedupeKey: string): Notification => ({
  tenantId: 'acme',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥1.00', threshold: '¥50.00' },
  dedupeKey,
});

interface Item {
  readonly alert: Notification;
  status: 'pending' | 'sent' | 'parked';
  attempts: number;
  claimedUntil: number;
  refusal?: PublishRefusal;
  keepUntil?: number;
}

/** The outbox's states as the DynamoDB store keeps them: only a pending alert is listed or claimed. */
function memoryOutbox(alerts: readonly Notification[]) {
  const items = new Map(
    alerts.map((a) => [a.dedupeKey, { alert: a, status: 'pending', attempts: 0, claimedUntil: 0 } as Item]),
  );
  const item = (a: Notification) => items.get(a.dedupeKey) as Item;
  const outbox: AlertOutboxPort = {
    pending: async (limit) =>
      [...items.values()]
        .filter((i) => i.status === 'pending')
        .slice(0, limit)
        .map((i) => i.alert),
    claim: async (a, nowMs, untilMs) => {
      const i = item(a);
      if (i.status !== 'pending' || i.claimedUntil >= nowMs) return false;
      i.claimedUntil = untilMs;
      return true;
    },
    markSent: async (a) => {
      item(a).status = 'sent';
    },
    markAttempt: async (a) => {
      const i = item(a);
      i.attempts++;
      i.claimedUntil = 0;
    },
    park: async (a, refusal, _at, keepUntil) => {
      const i = item(a);
      if (i.status !== 'pending') return;
      Object.assign(i, { status: 'parked', refusal, keepUntil, attempts: i.attempts + 1 });
    },
  };
  return { outbox, item: (key: string) => items.get(key) };
}

/** `refused` is an over-long key the port refuses for good; `flaky` fails for now `flakyFailures` times. */
function notifications(flakyFailures: number) {
  const tries = new Map<string, number>();
  let flakyLeft = flakyFailures;
  const port: NotificationsPort = {
    publish: async (n) => {
      tries.set(n.dedupeKey, (tries.get(n.dedupeKey) ?? 0) + 1);
      if (n.dedupeKey === 'refused')
        throw invalid(
          'invalid_message',
          'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
          'body',
        );
      if (n.dedupeKey === 'flaky' && flakyLeft-- > 0)
        throw Object.assign(new Error('queue unreachable'), { name: 'TimeoutError' });
      return { messageId: `queued:${n.dedupeKey}` };
    },
  };
  return { port, tries: (key: string) => tries.get(key) ?? 0 };
}

describe('the alert outbox and alerts refused for good', () => {
  it('tries a refused alert once and parks it; retries one failing for now on every flush until it goes', async () => {
    const clock = new TestClock(AT);
    const { outbox, item } = memoryOutbox([alert('refused'), alert('flaky'), alert('fine')]);
    const { port, tries } = notifications(2);
    const reported: [string, PublishRefusal][] = [];
    const deps = {
      outbox,
      notifications: port,
      clock,
      reportParked: (a: Notification, refusal: PublishRefusal) => reported.push([a.dedupeKey, refusal]),
    };

    // Flush 1: `fine` goes, `refused` is parked, `flaky` fails for now. Flushes 2 and 3: `flaky` alone.
    expect(await flushAlertOutbox(deps)).toBe(1);
    expect(await flushAlertOutbox(deps)).toBe(0);
    expect(await flushAlertOutbox(deps)).toBe(1);
    expect(await flushAlertOutbox(deps)).toBe(0);

    expect(tries('refused')).toBe(1);
    expect(tries('flaky')).toBe(3);
    expect(tries('fine')).toBe(1);
    expect(item('refused')).toMatchObject({
      status: 'parked',
      attempts: 1,
      keepUntil: KEEP_UNTIL,
      refusal: {
        code: 'invalid_message',
        message: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
      },
    });
    expect(item('flaky')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(reported).toEqual([['refused', item('refused')?.refusal]]);
    expect(await outbox.pending(10)).toEqual([]);
  });

  it('counts only the port’s validation errors as refusals for good', () => {
    expect(publishRefusal(invalid('invalid_message', 'bad key', 'body'))).toEqual({
      code: 'invalid_message',
      message: 'bad key',
    });
    expect(publishRefusal(new Error('throttled'))).toBeUndefined();
    expect(
      publishRefusal(Object.assign(new Error('x'), { kind: 'validation', code: 'invalid_message' })),
    ).toBe(undefined);
  });

  it('the queued hand-over refuses for good a notification the queue refuses as too large; other failures stay for now', async () => {
    const refusing = queuedNotifications(async () => ({
      send: async () => {
        throw new MessageTooLargeError(300_000);
      },
    }));
    const error = await refusing.publish(alert('large')).catch((e: unknown) => e);
    expect(publishRefusal(error)).toEqual({
      code: 'invalid_message',
      message: 'not a notification message: work queue message of 300000 bytes exceeds 262144',
    });
    const throttled = queuedNotifications(async () => ({
      send: async () => {
        throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      },
    }));
    expect(publishRefusal(await throttled.publish(alert('t')).catch((e: unknown) => e))).toBeUndefined();
  });
});
