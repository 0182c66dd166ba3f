/**
 * Alerts refused for good, listed on the embedded engine through the money runtime: two tenants' alerts parked
 * by the outbox (refused at the hand-over) and recipients refused by the provider (the notifier's delivery
 * records), listed per tenant and across tenants from the ops table's sparse indexes, newest first, a page at
 * a time, with the operators' tenant filter; what was delivered is never listed; each refusal keeps its 90-day
 * expiry and leaves the lists once past it.
 */
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertOutbox, outboxPutAction } from '../../shared/adapters/dynamo/account-alerts.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoNotificationDeliveries } from '../../shared/adapters/dynamo/notification-deliveries.js';
import { epochSecondsAfterDays } from '../../shared/domain/calendar-date.js';
import { TestClock } from '../../shared/ports/clock.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { UNDELIVERED_KEPT_DAYS } from '../../shared/ports/undelivered-alerts.js';
import { money } from '../../shared/runtime/money.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db.stop();
});
afterEach(() => resetPorts());

const PARKED_AT = '2026-11-26T04:00:00.000Z';
const GLOBEX_REFUSED_AT = '2026-11-26T05:00:00.000Z';
const ACME_REFUSED_AT = '2026-11-26T06:00:00.000Z';
// 2026-11-26T04:00Z is 1,795,665,600 s after the epoch; + 90 days (7,776,000 s) = 1,803,441,600.
const PARKED_UNTIL = 1_803_441_600;
// 06:00Z is 7,200 s later: 1,795,672,800 + 7,776,000 = 1,803,448,800.
const ACME_REFUSED_UNTIL = 1_803_448_800;

/** 1,517 bytes: past every bound a sender checks, and past an index sort key's 1,024 bytes. */
const LONG_KEY = `low_balance#acme#${'k'.repeat(1_500)}`;
const lowBalance: Notification = {
  tenantId: 'acme',
  kind: 'low_balance',
  template: 'low_balance',
  params: { balance: '¥1.00', threshold: '¥50.00' },
  dedupeKey: LONG_KEY,
  recipients: { phones: ['+8613900000001'] },
};
const capReached = {
  tenantId: 'acme',
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  params: { cap: '¥20.00', spent: '¥21.00' },
  dedupeKey: 'spend_cap_reached#acme#2026-11-26',
} as const;
const arrears = {
  tenantId: 'globex',
  kind: 'arrears',
  template: 'arrears',
  params: { owed: '¥3.50' },
  dedupeKey: 'arrears#globex#2026-11-26',
} as const;

const acmeSms = {
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  figures: { cap: '¥20.00', spent: '¥21.00' },
  stage: 'provider',
  channel: 'sms',
  recipient: '+8613900000001',
  refusedAt: ACME_REFUSED_AT,
  code: 'isv.MOBILE_NUMBER_ILLEGAL',
  reason: 'the SMS provider refused this number for good (invalid or unreachable); change the alert phones',
};
const acmeParked = {
  kind: 'low_balance',
  template: 'low_balance',
  figures: { balance: '¥1.00', threshold: '¥50.00' },
  stage: 'hand_over',
  channel: null,
  recipient: null,
  refusedAt: PARKED_AT,
  code: 'invalid_message',
  reason: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
};
const globexEmail = {
  kind: 'arrears',
  template: 'arrears',
  figures: { owed: '¥3.50' },
  stage: 'provider',
  channel: 'email',
  recipient: 'billing@globex.example.cn',
  refusedAt: GLOBEX_REFUSED_AT,
  code: 'MessageRejected',
  reason: 'the e-mail provider refused this address for good (invalid or rejected); change the alert e-mails',
};

describe('alerts refused for good, listed without a scan', () => {
  it('lists each tenant its own and the operators everyone, newest first, a page at a time', async () => {
    useClock(new TestClock(ACME_REFUSED_AT));
    const outbox = new DynamoAlertOutbox();
    const deliveries = new DynamoNotificationDeliveries();
    await dynamo().send(new PutCommand(outboxPutAction(lowBalance, PARKED_AT).Put as PutCommandInput));
    await outbox.park(
      lowBalance,
      {
        code: 'invalid_message',
        message: 'not a notification message: notification.dedupeKey: is over 512 UTF-8 bytes',
      },
      PARKED_AT,
      epochSecondsAfterDays(PARKED_AT, UNDELIVERED_KEPT_DAYS),
    );
    await deliveries.record(arrears, {
      delivery: { channel: 'email', to: 'billing@globex.example.cn' },
      state: 'refused',
      at: GLOBEX_REFUSED_AT,
      detail: 'MessageRejected',
    });
    await deliveries.record(capReached, {
      delivery: { channel: 'sms', to: '+8613900000001' },
      state: 'refused',
      at: ACME_REFUSED_AT,
      detail: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    // Delivered: never an undelivered alert.
    await deliveries.record(capReached, {
      delivery: { channel: 'email', to: 'ops@acme.example.cn' },
      state: 'delivered',
      at: ACME_REFUSED_AT,
      detail: 'ses-1',
    });

    expect(await money.listUndeliveredAlerts('acme', {})).toEqual({ items: [acmeSms, acmeParked] });
    expect(await money.listUndeliveredAlerts('globex', {})).toEqual({ items: [globexEmail] });
    expect(await money.listUndeliveredAlerts('initech', {})).toEqual({ items: [] });

    // Operators: every tenant's, newest first, one a page.
    const seen: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const found = await money.reviewUndeliveredAlerts({ limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...found.items);
      cursor = found.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([
      { tenantId: 'acme', ...acmeSms },
      { tenantId: 'globex', ...globexEmail },
      { tenantId: 'acme', ...acmeParked },
    ]);
    // One tenant's alone; a cursor of one list is refused on the other.
    const first = await money.reviewUndeliveredAlerts({ tenantId: 'acme', limit: 1 });
    expect(first.items).toEqual([{ tenantId: 'acme', ...acmeSms }]);
    expect(
      (await money.reviewUndeliveredAlerts({ tenantId: 'acme', limit: 1, cursor: first.nextCursor })).items,
    ).toEqual([{ tenantId: 'acme', ...acmeParked }]);
    await expect(money.listUndeliveredAlerts('globex', { cursor: first.nextCursor })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
    await expect(money.reviewUndeliveredAlerts({ cursor: first.nextCursor })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });

  it('keeps each refusal 90 days, then lists it no more', async () => {
    const parked = await dynamo().send(
      new GetCommand({ TableName: process.env.TABLE_OPS, Key: { pk: `OUTBOX#${LONG_KEY}`, sk: 'ALERT' } }),
    );
    expect(parked.Item).toMatchObject({
      status: 'parked',
      expiresAt: PARKED_UNTIL,
      gsi1pk: 'UNDELIVERED#all',
    });
    const refused = await dynamo().send(
      new GetCommand({
        TableName: process.env.TABLE_OPS,
        Key: { pk: `DELIVERY#acme#spend_cap_reached#${capReached.dedupeKey}`, sk: 'sms#+8613900000001' },
      }),
    );
    expect(refused.Item).toMatchObject({ state: 'refused', expiresAt: ACME_REFUSED_UNTIL });

    // At the parked alert's expiry (DynamoDB deletes lazily, so it may still be there): gone from the lists.
    useClock(new TestClock('2027-02-24T04:00:00.000Z'));
    expect((await money.listUndeliveredAlerts('acme', {})).items).toEqual([acmeSms]);
    useClock(new TestClock('2027-02-24T06:00:00.000Z'));
    expect((await money.reviewUndeliveredAlerts({})).items).toEqual([]);
  });
});
