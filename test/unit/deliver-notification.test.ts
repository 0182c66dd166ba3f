/**
 * The notifier's use case with recording ports: each recipient gets a notification once, however often its
 * message is delivered (a partial failure's redelivery sends only to the recipients still waiting), a
 * recipient refused for good is recorded and never retried, and the one at-least-once edge (a send whose
 * record failed) re-sends to that recipient alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import {
  type DeliverNotificationDeps,
  DeliveryUnfinishedError,
  deliverNotification,
} from '../../shared/app/notifications/deliver-notification.js';
import {
  type DeliveryRecord,
  deliveryId,
  type NotificationDeliveries,
  type NotificationRef,
} from '../../shared/ports/notification-deliveries.js';
import type {
  Delivery,
  DeliveryResult,
  MessagingPort,
  Notification,
  NotificationMessage,
  Recipients,
} from '../../shared/ports/notifications.js';

const AT = '2026-11-26T04:00:00.000Z';
const A = 'ops@acme.example.cn';
const B = '+8613912345678';
const C = 'cfo@acme.example.cn';

const notice: Notification = {
  tenantId: 'acme',
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  params: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32' },
  dedupeKey: 'spend_cap_reached#acme#2026-11-26',
  recipients: { emails: [A, C], phones: [B] },
};
const message = (notification: Notification = notice): NotificationMessage => ({
  type: 'notification.deliver',
  notification,
});

type Answer = 'sent' | 'later' | 'never';

/** A messaging port that keeps every send and answers as `answer` says for each attempt and recipient. */
function recordingMessaging(answer: (to: string, attempt: number) => Answer = () => 'sent', sms = true) {
  const sends: string[][] = [];
  const messaging: MessagingPort = {
    channels: { email: true, sms },
    async deliver(_notification, deliveries) {
      const attempt = sends.length;
      sends.push(deliveries.map((d) => d.to));
      return deliveries.map((delivery): DeliveryResult => {
        const a = answer(delivery.to, attempt);
        if (a === 'sent') return { status: 'sent', delivery, messageId: `id-${attempt}-${delivery.to}` };
        const code = a === 'never' ? 'isv.MOBILE_NUMBER_ILLEGAL' : 'isv.BUSINESS_LIMIT_CONTROL';
        return { status: 'failed', delivery, permanent: a === 'never', code };
      });
    },
  };
  return { messaging, sends };
}

/** Delivery records in memory, with the adapter's rule: a record is written once. */
function recordingDeliveries() {
  const records = new Map<string, DeliveryRecord>();
  const key = (n: NotificationRef, d: Delivery) =>
    `${n.tenantId}|${n.template}|${n.dedupeKey}|${deliveryId(d)}`;
  let failRecords = 0;
  const deliveries: NotificationDeliveries = {
    async settled(n) {
      return [...records.entries()]
        .filter(([k]) => k.startsWith(`${n.tenantId}|${n.template}|${n.dedupeKey}|`))
        .map(([, r]) => r);
    },
    async record(n, record) {
      if (failRecords > 0) {
        failRecords--;
        throw Object.assign(new Error('unavailable'), { name: 'InternalServerError' });
      }
      const k = key(n, record.delivery);
      if (!records.has(k)) records.set(k, record);
    },
  };
  return {
    deliveries,
    records,
    failNextRecord: () => {
      failRecords = 1;
    },
  };
}

function deps(
  messaging: MessagingPort,
  deliveries: NotificationDeliveries,
  contacts: Recipients = {},
): DeliverNotificationDeps {
  return { messaging, deliveries, alertContacts: async () => contacts };
}

describe('delivering a notification to several recipients', () => {
  it('sends A and C and fails while B fails for now; the redelivery sends B only; a third sends nothing', async () => {
    const { messaging, sends } = recordingMessaging((to, attempt) =>
      to === B && attempt === 0 ? 'later' : 'sent',
    );
    const { deliveries, records } = recordingDeliveries();
    const run = () => deliverNotification(deps(messaging, deliveries), message(), AT);

    const first = await run().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryUnfinishedError);
    // The error names the channel and code, never the phone (it is logged).
    expect((first as Error).message).toBe(
      'notification spend_cap_reached#acme#2026-11-26: 1 send(s) failed for now (sms isv.BUSINESS_LIMIT_CONTROL)',
    );
    expect((first as Error).message).not.toContain(B);
    expect(sends).toEqual([[A, C, B]]);
    expect([...records.values()].map((r) => [r.delivery.to, r.state])).toEqual([
      [A, 'delivered'],
      [C, 'delivered'],
    ]);

    await expect(run()).resolves.toMatchObject({ outcome: 'delivered', emails: 0, sms: 1, skipped: 2 });
    expect(sends).toEqual([[A, C, B], [B]]);

    await expect(run()).resolves.toEqual({
      outcome: 'already_delivered',
      tenantId: 'acme',
      template: 'spend_cap_reached',
      dedupeKey: 'spend_cap_reached#acme#2026-11-26',
      emails: 0,
      sms: 0,
      skipped: 3,
      refused: 0,
      undeliverable: [],
    });
    expect(sends).toHaveLength(2);
  });

  it('records a recipient refused for good, does not fail the message for it, and never tries it again', async () => {
    const { messaging, sends } = recordingMessaging((to) => (to === B ? 'never' : 'sent'));
    const { deliveries, records } = recordingDeliveries();
    const run = () => deliverNotification(deps(messaging, deliveries), message(), AT);

    await expect(run()).resolves.toMatchObject({
      outcome: 'undeliverable',
      emails: 2,
      sms: 0,
      undeliverable: [{ channel: 'sms', code: 'isv.MOBILE_NUMBER_ILLEGAL' }],
    });
    expect(records.get(`acme|spend_cap_reached|${notice.dedupeKey}|sms#${B}`)).toEqual({
      delivery: { channel: 'sms', to: B },
      state: 'refused',
      at: AT,
      detail: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    // A duplicate of the message sends nothing: B is settled as refused.
    await expect(run()).resolves.toMatchObject({ outcome: 'already_delivered', skipped: 3 });
    expect(sends).toEqual([[A, C, B]]);
  });

  it('retries what failed for now even beside a refusal, and settles the refusal at once', async () => {
    const { messaging, sends } = recordingMessaging((to, attempt) =>
      to === B ? 'never' : to === C && attempt === 0 ? 'later' : 'sent',
    );
    const { deliveries } = recordingDeliveries();
    const run = () => deliverNotification(deps(messaging, deliveries), message(), AT);
    await expect(run()).rejects.toThrow('1 send(s) failed for now (email isv.BUSINESS_LIMIT_CONTROL)');
    await expect(run()).resolves.toMatchObject({ outcome: 'delivered', emails: 1, skipped: 2 });
    expect(sends).toEqual([[A, C, B], [C]]);
  });

  it('re-sends only to the one recipient whose record failed after its send (the at-least-once edge)', async () => {
    const { messaging, sends } = recordingMessaging();
    const { deliveries, failNextRecord } = recordingDeliveries();
    failNextRecord();
    const run = () => deliverNotification(deps(messaging, deliveries), message(), AT);
    await expect(run()).rejects.toThrow('unavailable');
    await expect(run()).resolves.toMatchObject({ outcome: 'delivered', emails: 1, skipped: 2 });
    expect(sends).toEqual([[A, C, B], [A]]);
  });

  it('knows a notification by tenant, template and dedupe key: another template under the same key is delivered', async () => {
    const { messaging, sends } = recordingMessaging();
    const { deliveries } = recordingDeliveries();
    const d = deps(messaging, deliveries);
    await deliverNotification(d, message(), AT);
    await deliverNotification(d, message({ ...notice, tenantId: 'globex' }), AT);
    await deliverNotification(d, message({ ...notice, template: 'low_balance' }), AT);
    await deliverNotification(d, message(), AT);
    expect(sends).toEqual([
      [A, C, B],
      [A, C, B],
      [A, C, B],
    ]);
  });

  it("sends to the tenant's alert contacts when the message names none, each distinct recipient once, and refuses phones it cannot text", async () => {
    const { messaging, sends } = recordingMessaging();
    const { deliveries } = recordingDeliveries();
    const { recipients: _, ...toContacts } = notice;
    const contacts = { emails: [A, A], phones: [B, '+14155550100', B] };
    await expect(
      deliverNotification(deps(messaging, deliveries, contacts), message(toContacts), AT),
    ).resolves.toMatchObject({ outcome: 'delivered', emails: 1, sms: 1, refused: 1 });
    expect(sends).toEqual([[A, B]]);

    // Without SMS configured, every phone is refused: nobody to reach, and the port is told so (no deliveries).
    const noSms = recordingMessaging(() => 'sent', false);
    await expect(
      deliverNotification(
        deps(noSms.messaging, recordingDeliveries().deliveries),
        message({ ...notice, recipients: { phones: [B] } }),
        AT,
      ),
    ).resolves.toMatchObject({ outcome: 'no_recipients', sms: 0, refused: 1 });
    expect(noSms.sends).toEqual([[]]);
  });

  it('refuses an alert address longer than SMTP carries (stored before addresses were bounded), and records nothing for it', async () => {
    const { messaging, sends } = recordingMessaging();
    const { deliveries, records } = recordingDeliveries();
    const { recipients: _, ...toContacts } = notice;
    // 85 three-byte characters and `@x`: 257 bytes, over 254; 84 of them: 254 bytes, sent.
    const tooLong = `${'上'.repeat(85)}@x`;
    const longest = `${'上'.repeat(84)}@x`;
    const contacts = { emails: [tooLong, longest, A], phones: [B] };
    await expect(
      deliverNotification(deps(messaging, deliveries, contacts), message(toContacts), AT),
    ).resolves.toMatchObject({ outcome: 'delivered', emails: 2, sms: 1, refused: 1 });
    expect(sends).toEqual([[longest, A, B]]);
    expect([...records.values()].map((r) => r.delivery.to)).toEqual([longest, A, B]);
  });

  it('hands a notification with nobody to reach to the port with no deliveries, and the local outbox shows it', async () => {
    const outbox = createLocalNotifications();
    const { recipients: _, ...toContacts } = notice;
    await expect(
      deliverNotification(deps(outbox, recordingDeliveries().deliveries), message(toContacts), AT),
    ).resolves.toMatchObject({ outcome: 'no_recipients', emails: 0, sms: 0, skipped: 0 });
    expect(outbox.messages.map((m) => [m.dedupeKey, m.deliveries])).toEqual([[notice.dedupeKey, []]]);
  });

  it('reaches every recipient exactly once, whatever sends fail for now, once the redeliveries stop failing', async () => {
    const recipients = fc.uniqueArray(fc.constantFrom(A, C, 'x@acme.example.cn', B, '+8615012345678'), {
      minLength: 1,
    });
    await fc.assert(
      fc.asyncProperty(
        recipients,
        fc.array(fc.array(fc.boolean(), { maxLength: 5 }), { maxLength: 6 }),
        async (to, failing) => {
          // failing[attempt][i]: whether the i-th send of that attempt fails for now (later attempts succeed).
          const { messaging, sends } = recordingMessaging(() => 'sent');
          const inner = messaging.deliver.bind(messaging);
          let attempt = 0;
          const flaky: MessagingPort = {
            channels: messaging.channels,
            async deliver(n, ds) {
              const plan = failing[attempt++] ?? [];
              const results = await inner(n, ds);
              return results.map(
                (r, i): DeliveryResult =>
                  plan[i]
                    ? { status: 'failed', delivery: r.delivery, permanent: false, code: 'Throttling' }
                    : r,
              );
            },
          };
          const { deliveries } = recordingDeliveries();
          const n = {
            ...notice,
            recipients: {
              emails: to.filter((r) => r.includes('@')),
              phones: to.filter((r) => r.startsWith('+')),
            },
          };
          let done = false;
          for (let i = 0; i <= failing.length && !done; i++) {
            done = await deliverNotification(deps(flaky, deliveries), message(n), AT).then(
              () => true,
              () => false,
            );
          }
          expect(done).toBe(true);
          const delivered = sends.flat().filter((_, i) => !failedSend(failing, sends, i));
          expect([...delivered].sort()).toEqual([...to].sort());
        },
      ),
    );
  });
});

/** Whether the i-th send overall (attempts flattened) was failed by the plan. */
function failedSend(failing: boolean[][], sends: string[][], index: number): boolean {
  let i = index;
  for (const [attempt, batch] of sends.entries()) {
    if (i < batch.length) return failing[attempt]?.[i] ?? false;
    i -= batch.length;
  }
  return false;
}
