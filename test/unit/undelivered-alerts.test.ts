/**
 * The undelivered-alerts use cases over a port double: the tenant's list asks the port for that tenant's
 * partition alone and shows each refusal (the hand-over's or the provider's) with its figures, channel,
 * recipient, time and reason; the operators' list reads every tenant's or, filtered, one tenant's, naming the
 * tenant; the default page is 20. A property: whatever tenants' alerts are stored, a tenant's pages hold
 * only its own, newest first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listUndeliveredAlerts } from '../../shared/app/accounts/list-undelivered-alerts.js';
import { reviewUndeliveredAlerts } from '../../shared/app/accounts/review-undelivered-alerts.js';
import type { Page } from '../../shared/ports/paging.js';
import type { UndeliveredAlert, UndeliveredAlertsPort } from '../../shared/ports/undelivered-alerts.js';

/** Newest first, paged by position: what the DynamoDB adapter's two partitions answer. */
function memoryPort(alerts: readonly UndeliveredAlert[], asked: string[] = []): UndeliveredAlertsPort {
  const page = (list: UndeliveredAlert[], limit: number, cursor?: string): Page<UndeliveredAlert> => {
    const sorted = [...list].sort((a, b) => (a.refusedAt < b.refusedAt ? 1 : -1));
    const start = cursor ? Number(cursor) : 0;
    const end = start + limit;
    return { items: sorted.slice(start, end), ...(end < sorted.length ? { nextCursor: String(end) } : {}) };
  };
  return {
    forTenant: async (tenantId, limit, cursor) => {
      asked.push(`tenant ${tenantId} ${limit}`);
      return page(
        alerts.filter((a) => a.tenantId === tenantId),
        limit,
        cursor,
      );
    },
    all: async (limit, cursor) => {
      asked.push(`all ${limit}`);
      return page([...alerts], limit, cursor);
    },
  };
}

const parked: UndeliveredAlert = {
  tenantId: 'acme',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥1.00', threshold: '¥50.00' },
  stage: 'hand_over',
  refusedAt: '2026-11-26T04:00:00.000Z',
  code: 'invalid_message',
  message: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
};
const refusedSms: UndeliveredAlert = {
  tenantId: 'acme',
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  params: { cap: '¥20.00' },
  stage: 'provider',
  channel: 'sms',
  recipient: '+8613900000001',
  refusedAt: '2026-11-26T06:00:00.000Z',
  code: 'isv.MOBILE_NUMBER_ILLEGAL',
};
const otherTenants: UndeliveredAlert = {
  ...refusedSms,
  tenantId: 'globex',
  channel: 'email',
  recipient: 'billing@globex.example.cn',
  refusedAt: '2026-11-26T05:00:00.000Z',
  code: 'MessageRejected',
};

describe('listing undelivered alerts', () => {
  it('shows the tenant its own refusals, newest first, with what they carried and why; 20 a page by default', async () => {
    const asked: string[] = [];
    const page = await listUndeliveredAlerts(
      { undelivered: memoryPort([parked, refusedSms, otherTenants], asked) },
      'acme',
      {},
    );
    expect(asked).toEqual(['tenant acme 20']);
    expect(page).toEqual({
      items: [
        {
          kind: 'spend_cap_reached',
          template: 'spend_cap_reached',
          figures: { cap: '¥20.00' },
          stage: 'provider',
          channel: 'sms',
          recipient: '+8613900000001',
          refusedAt: '2026-11-26T06:00:00.000Z',
          code: 'isv.MOBILE_NUMBER_ILLEGAL',
          reason:
            'the SMS provider refused this number for good (invalid or unreachable); change the alert phones',
        },
        {
          kind: 'low_balance',
          template: 'low_balance',
          figures: { balance: '¥1.00', threshold: '¥50.00' },
          stage: 'hand_over',
          channel: null,
          recipient: null,
          refusedAt: '2026-11-26T04:00:00.000Z',
          code: 'invalid_message',
          reason: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
        },
      ],
    });
  });

  it("gives operators every tenant's, naming each, or one tenant's when filtered", async () => {
    const asked: string[] = [];
    const undelivered = memoryPort([parked, refusedSms, otherTenants], asked);
    const all = await reviewUndeliveredAlerts({ undelivered }, { limit: 2 });
    expect(all.items.map((a) => [a.tenantId, a.refusedAt, a.channel])).toEqual([
      ['acme', '2026-11-26T06:00:00.000Z', 'sms'],
      ['globex', '2026-11-26T05:00:00.000Z', 'email'],
    ]);
    expect(all.nextCursor).toBe('2');
    const rest = await reviewUndeliveredAlerts({ undelivered }, { limit: 2, cursor: '2' });
    expect(rest).toEqual({ items: [expect.objectContaining({ tenantId: 'acme', stage: 'hand_over' })] });
    const globex = await reviewUndeliveredAlerts({ undelivered }, { tenantId: 'globex' });
    expect(globex.items).toEqual([
      expect.objectContaining({
        tenantId: 'globex',
        recipient: 'billing@globex.example.cn',
        code: 'MessageRejected',
        reason:
          'the e-mail provider refused this address for good (invalid or rejected); change the alert e-mails',
      }),
    ]);
    expect(asked).toEqual(['all 2', 'all 2', 'tenant globex 20']);
  });

  it("never shows a tenant another tenant's alert, whatever is stored", async () => {
    const alert = fc.record({
      tenantId: fc.constantFrom('acme', 'globex', 'initech'),
      minute: fc.integer({ min: 0, max: 10_000 }),
      recipient: fc.constantFrom('+8613900000001', '+8613900000002', 'a@b.cn'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(alert, { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        async (stored, limit) => {
          const alerts = stored.map(
            (a): UndeliveredAlert => ({
              ...refusedSms,
              tenantId: a.tenantId,
              recipient: `${a.tenantId}:${a.recipient}`,
              refusedAt: new Date(Date.parse('2026-11-26T00:00:00Z') + a.minute * 60_000).toISOString(),
            }),
          );
          const undelivered = memoryPort(alerts);
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await listUndeliveredAlerts({ undelivered }, 'acme', {
              limit,
              ...(cursor ? { cursor } : {}),
            });
            for (const item of page.items) {
              expect(item.recipient?.startsWith('acme:')).toBe(true);
              seen.push(item.refusedAt);
            }
            cursor = page.nextCursor;
          } while (cursor);
          expect(seen).toEqual(
            alerts
              .filter((a) => a.tenantId === 'acme')
              .map((a) => a.refusedAt)
              .sort()
              .reverse(),
          );
        },
      ),
    );
  });
});
