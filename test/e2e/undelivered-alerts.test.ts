/**
 * Undelivered alerts over HTTP on the local runtime (test clock), as `npm start` composes them: a tenant's
 * alert phone is one the SMS provider refuses for good; spend crosses the daily cap, the cap alert goes to the
 * notifier, the provider refuses the phone, and the tenant finds that refusal at GET /v1/account/alerts/undelivered
 * with what the alert said; an alert refused at the hand-over (parked by the outbox's flush) is listed too.
 * Another tenant sees nothing; an operator sees both in the review list, filtered by tenant and a page at a
 * time. Bad cursors, tenant ids and limits are 400s in the error shape; tenants cannot use the review list.
 */
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { outboxPutAction } from '../../shared/adapters/dynamo/account-alerts.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { answeredCall, bindNumbers } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let admin: string;
let viewer: string;
let otherTenant: string;
let operator: string;

const documented = (routeId: string, body: unknown) => {
  const schema = ROUTE_SCHEMAS[routeId]?.response as z.ZodMiniType;
  expect(z.safeParse(schema, body).error?.issues ?? [], routeId).toEqual([]);
  return body as any;
};

const REFUSED_PHONE = '+8613900000001';
const CROSSED_AT = '2026-11-26T04:00:00.000Z';
const PARKED_AT = '2026-11-26T05:00:00.000Z';

const capRefused = {
  kind: 'spend_cap_reached',
  template: 'spend_cap_reached',
  // 12 calls × 10 min × 30 fen = 3,600 fen of spend against a 2,000 cap; the refusal point's rate: 32 fen.
  figures: { spend: '¥36.00', cap: '¥20.00', rate: '¥0.32' },
  stage: 'provider',
  channel: 'sms',
  recipient: REFUSED_PHONE,
  refusedAt: CROSSED_AT,
  code: 'isv.MOBILE_NUMBER_ILLEGAL',
  reason: 'the SMS provider refused this number for good (invalid or unreachable); change the alert phones',
};
const parkedAlert = {
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

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money], clockAt: '2026-11-23T00:00:00Z' });
  admin = await api.token('demo', ['tenant-admin']);
  viewer = await api.token('demo', ['tenant-viewer']);
  otherTenant = await api.token('acme', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
  await bindNumbers([{ tenantId: 'demo', number400: '4008123456', accessNumber: '+6531580001' }]);
});
afterAll(async () => {
  await api?.stop();
});

describe('alerts refused for good, over HTTP', () => {
  it('shows the tenant its refused alerts, the other tenant nothing, and the operators both', async () => {
    // Nothing refused yet.
    expect((await api.get('/v1/account/alerts/undelivered', viewer)).body).toEqual({ items: [] });

    expect((await api.put('/v1/account/alerts', { phones: [REFUSED_PHONE] }, admin)).status).toBe(200);
    expect((await api.post('/local/outbox/faults', { refuse: [REFUSED_PHONE] })).status).toBe(200);
    await api.setClock(CROSSED_AT);
    expect((await api.put('/v1/account/spend-cap', { dailyCap: 2_000 }, admin)).status).toBe(200);
    const calls = Array.from({ length: 12 }, () =>
      answeredCall('+6531580001', { seconds: 600, answeredAt: '2026-11-26T03:00:00Z' }),
    );
    await api.post('/local/contact-records', calls);
    expect((await api.post('/local/outbox/flush', {})).status).toBe(200);

    // An alert an older sender committed with a dedupe key past the bound: the flush parks it, refused.
    const tooLong: Notification = {
      tenantId: 'demo',
      kind: 'low_balance',
      template: 'low_balance',
      params: { balance: '¥1.00', threshold: '¥50.00' },
      dedupeKey: `low_balance#demo#${'k'.repeat(496)}`,
    };
    await dynamo().send(new PutCommand(outboxPutAction(tooLong, PARKED_AT).Put as PutCommandInput));
    await api.setClock(PARKED_AT);
    expect((await api.post('/local/outbox/flush', {})).body).toEqual({ published: 0 });

    const mine = await api.get('/v1/account/alerts/undelivered', viewer);
    expect(mine.status).toBe(200);
    expect(documented('listUndeliveredAlerts', mine.body).items).toEqual([parkedAlert, capRefused]);
    // A page at a time, with a signed cursor.
    const first = await api.get('/v1/account/alerts/undelivered?limit=1', viewer);
    expect(first.body.items).toEqual([parkedAlert]);
    const second = await api.get(
      `/v1/account/alerts/undelivered?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      viewer,
    );
    expect(second.body.items).toEqual([capRefused]);

    // The other tenant: nothing, and the demo tenant's cursor is refused.
    expect((await api.get('/v1/account/alerts/undelivered', otherTenant)).body).toEqual({ items: [] });
    const foreign = await api.get(
      `/v1/account/alerts/undelivered?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      otherTenant,
    );
    expect([foreign.status, foreign.body.error.code]).toEqual([400, 'invalid_cursor']);

    // Operators: every tenant's, or one tenant's.
    const all = await api.get('/v1/review/undelivered-alerts', operator);
    expect(documented('listUndeliveredAlertsForReview', all.body).items).toEqual([
      { tenantId: 'demo', ...parkedAlert },
      { tenantId: 'demo', ...capRefused },
    ]);
    const demo = await api.get('/v1/review/undelivered-alerts?tenantId=demo&limit=1', operator);
    expect(demo.body.items).toEqual([{ tenantId: 'demo', ...parkedAlert }]);
    const demoNext = await api.get(
      `/v1/review/undelivered-alerts?tenantId=demo&limit=1&cursor=${encodeURIComponent(demo.body.nextCursor)}`,
      operator,
    );
    expect(demoNext.body.items).toEqual([{ tenantId: 'demo', ...capRefused }]);
    expect((await api.get('/v1/review/undelivered-alerts?tenantId=acme', operator)).body).toEqual({
      items: [],
    });
    // A cursor of the filtered list is no cursor of the whole list.
    const refiltered = await api.get(
      `/v1/review/undelivered-alerts?cursor=${encodeURIComponent(demo.body.nextCursor)}`,
      operator,
    );
    expect([refiltered.status, refiltered.body.error.code]).toEqual([400, 'invalid_cursor']);
  });

  it('refuses bad input with a 400 in the error shape, and tenants on the review list with a 403', async () => {
    const refused = async (path: string, token: string, status: number, code: string) => {
      const res = await api.get(path, token);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      expect(typeof res.body.error.message).toBe('string');
    };
    await refused('/v1/account/alerts/undelivered?cursor=not-a-cursor', viewer, 400, 'invalid_cursor');
    await refused('/v1/account/alerts/undelivered?limit=0', viewer, 400, 'invalid_input');
    await refused('/v1/account/alerts/undelivered?limit=101', viewer, 400, 'invalid_input');
    await refused('/v1/account/alerts/undelivered?tenantId=acme', viewer, 400, 'unknown_field');
    await refused('/v1/review/undelivered-alerts?tenantId=a%23b', operator, 400, 'invalid_input');
    await refused(`/v1/review/undelivered-alerts?tenantId=${'t'.repeat(65)}`, operator, 400, 'invalid_input');
    await refused('/v1/review/undelivered-alerts?limit=-1', operator, 400, 'invalid_input');
    await refused('/v1/review/undelivered-alerts?cursor=forged', operator, 400, 'invalid_cursor');
    await refused('/v1/review/undelivered-alerts', admin, 403, 'forbidden');
    await refused('/v1/account/alerts/undelivered', operator, 403, 'forbidden');
  });
});
