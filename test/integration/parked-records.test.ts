/**
 * Issue 13: parked contact records reviewed by operators on the embedded engine, through the route handlers.
 * A record parked because nobody held the number when the call started is charged once ownership is known,
 * exactly once, through the charging path; resolving twice is a 409; a dismissed record is never charged,
 * not even when Connect delivers it again after ownership became known. Every resolution is audited, and
 * tenants are refused.
 * Rate (DEFAULT_TARIFF, 4006 payg): long distance at weekday peak, 25 fen a started minute.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as getParked } from '../../functions/api/review/parked-calls-get.js';
import { handler as listParked } from '../../functions/api/review/parked-calls-list.js';
import { handler as resolveParked } from '../../functions/api/review/parked-calls-resolve.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import type { RawRecord } from '../../shared/app/calls/ingest-contact-records.js';
import { tableName } from '../../shared/config.js';
import type { AuditEvent } from '../../shared/domain/audit/audit-event.js';
import { useAuditTrail } from '../../shared/http/api-handler.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest as ingestRoot } from '../../shared/runtime/ingest.js';
import { parkedRecords } from '../../shared/runtime/parked-records.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { apiEvent, lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { account, answeredCall, bindNumbers, callItem, ledgerSum, topUp } from './ingest-fixtures.js';

const NOW = new Date('2027-01-11T04:00:00.000Z');
const ACCESS = '+6532000031';
const NUMBER = '4006100031';
const TENANT = 'parked-t';

let db: TestDatabase;
let seq = 0;
const events: AuditEvent[] = [];
const ingest = (...data: unknown[]) =>
  ingestRoot.ingestContactRecords(
    data.map((d): RawRecord => ({ id: `p-${++seq}`, data: JSON.stringify(d) })),
  );
const asOperator = (options: Parameters<typeof apiEvent>[0]) =>
  apiEvent({ roles: ['operator'], subject: 'op-1', at: NOW, ...options });
const call = async (h: typeof getParked, event: ReturnType<typeof apiEvent>) => {
  const res = (await h(event, lambdaContext)) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
};
const resolve = (contactId: string, body: unknown) =>
  call(resolveParked, asOperator({ path: { contactId }, body }));
/** The number's ownership as a backfill (or a transition) writes it. */
const setOwners = (owners: unknown[]) =>
  dynamo().send(
    new UpdateCommand({
      TableName: tableName('numbers'),
      Key: { pk: `NUM#${NUMBER}`, sk: 'NUMBER' },
      UpdateExpression: 'SET owners = :o',
      ExpressionAttributeValues: { ':o': owners },
    }),
  );

beforeAll(async () => {
  db = await startTestDatabase();
  useClock(new TestClock(NOW.toISOString()));
  useLocalNotifier();
  useAuditTrail({ append: async (event) => void events.push(event) });
  // Held by the tenant only from the 9th: its calls of the 6th and 7th start while nobody held the number
  // (as a number activated before ownership periods were kept, then moved once).
  await bindNumbers([
    {
      tenantId: TENANT,
      number400: NUMBER,
      accessNumber: ACCESS,
      owners: [{ tenantId: TENANT, accessNumber: ACCESS, from: '2027-01-09T00:00:00Z' }],
    },
  ]);
  await topUp(TENANT, 10_000);
});
afterAll(async () => {
  useAuditTrail('default');
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  events.length = 0;
});
afterEach(() => useClock(new TestClock(NOW.toISOString())));

describe('parked records review', () => {
  const toCharge = answeredCall(ACCESS, { contactId: 'parked-charge', answeredAt: '2027-01-06T03:00:00Z' });
  const toDismiss = answeredCall(ACCESS, { contactId: 'parked-dismiss', answeredAt: '2027-01-07T03:00:00Z' });

  it('parks both calls; charging before ownership is known is a 409 still_parked and charges nothing', async () => {
    expect(await ingest(toCharge, toDismiss)).toMatchObject({ parked: 2, charged: 0, failures: [] });
    const open = await call(listParked, asOperator({ query: { code: 'no_owner_at_start' } }));
    expect(open.status).toBe(200);
    expect(open.body.items.map((r: { contactId: string }) => r.contactId).sort()).toEqual([
      'parked-charge',
      'parked-dismiss',
    ]);
    const one = await call(getParked, asOperator({ path: { contactId: 'parked-charge' } }));
    expect(one.body).toMatchObject({
      contactId: 'parked-charge',
      code: 'no_owner_at_start',
      status: 'open',
      number: NUMBER,
      accessNumber: ACCESS,
      caller: '+862161234567',
      startedAt: '2027-01-06T02:59:44.000Z',
      endedAt: '2027-01-06T03:01:00.000Z',
      answered: true,
      chargeable: true,
      resolution: null,
    });

    const early = await resolve('parked-charge', { action: 'charge' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'still_parked' } } });
    expect(early.body.error.details).toEqual({ code: 'no_owner_at_start' });
    expect((await account(TENANT)).balance).toBe(10_000);
    expect(await callItem('parked-charge')).toBeUndefined();
    expect((await parkedRecords.get('parked-charge')).status).toBe('open');
    expect(events).toEqual([]);
  });

  it('charges a parked record once ownership is known, exactly once; a second resolution is a 409', async () => {
    // The backfill wrote the period the tenant held the number since the 1st.
    await setOwners([{ tenantId: TENANT, accessNumber: ACCESS, from: '2027-01-01T00:00:00Z' }]);
    const charged = await resolve('parked-charge', { action: 'charge' });
    expect(charged.status).toBe(200);
    // 60 s of talk on Wednesday 6 January, 11:00 in Shanghai: one minute at 25 fen.
    expect(charged.body).toMatchObject({
      status: 'charged',
      resolution: { status: 'charged', by: 'op-1', tenantId: TENANT, amount: 25 },
    });
    expect(await callItem('parked-charge')).toMatchObject({ tenantId: TENANT, amount: 25 });
    expect((await account(TENANT)).balance).toBe(10_000 - 25);
    expect(await ledgerSum(TENANT)).toEqual({ sum: 10_000 - 25, count: 2 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      routeId: 'resolveParkedCall',
      tenantId: TENANT,
      actor: { kind: 'operator', sub: 'op-1' },
      object: 'parked-call:parked-charge',
      status: 200,
      before: { status: 'open', code: 'no_owner_at_start', number: NUMBER },
      after: { status: 'charged', tenantId: TENANT, amount: 25, reason: null },
    });

    for (const again of [{ action: 'charge' }, { action: 'dismiss', reason: 'second thoughts' }]) {
      expect(await resolve('parked-charge', again)).toMatchObject({
        status: 409,
        body: { error: { code: 'already_resolved' } },
      });
    }
    // Connect delivers the same record again: stale, nothing more is charged.
    expect(await ingest(toCharge)).toMatchObject({ charged: 0, stale: 1, parked: 0 });
    expect((await account(TENANT)).balance).toBe(10_000 - 25);
    expect(events).toHaveLength(1);
  });

  it('a dismissed record is never charged, not even when it is delivered again after ownership is known', async () => {
    expect(await resolve('parked-dismiss', { action: 'dismiss' })).toMatchObject({
      status: 400,
      body: { error: { code: 'reason_required', field: 'reason' } },
    });
    const dismissed = await resolve('parked-dismiss', {
      action: 'dismiss',
      reason: 'test call made by the carrier before hand-over',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({
      status: 'dismissed',
      resolution: {
        status: 'dismissed',
        by: 'op-1',
        reason: 'test call made by the carrier before hand-over',
      },
    });
    expect(events[0]).toMatchObject({
      routeId: 'resolveParkedCall',
      tenantId: 'platform',
      object: 'parked-call:parked-dismiss',
      after: { status: 'dismissed', reason: 'test call made by the carrier before hand-over' },
    });
    // Ownership covers the call's start now (previous test): a redelivery would be charged but for the dismissal.
    expect(await ingest(toDismiss)).toMatchObject({ charged: 0, stale: 1, parked: 0, failures: [] });
    const newer = answeredCall(ACCESS, {
      contactId: 'parked-dismiss',
      answeredAt: '2027-01-07T03:00:00Z',
      seconds: 200,
      lastUpdate: '2027-01-11T03:00:00Z',
    });
    expect(await ingest(newer)).toMatchObject({ charged: 0, adjusted: 0, parked: 0, failures: [] });
    expect((await account(TENANT)).balance).toBe(10_000 - 25);
    expect(await ledgerSum(TENANT)).toEqual({ sum: 10_000 - 25, count: 2 });
    expect(await resolve('parked-dismiss', { action: 'charge' })).toMatchObject({
      status: 409,
      body: { error: { code: 'already_resolved' } },
    });
    expect((await parkedRecords.get('parked-dismiss')).status).toBe('dismissed');
  });

  it('lists by status, pages with a cursor, and 404s an unknown record', async () => {
    const byStatus = async (status: string) =>
      (await parkedRecords.list({ status: status as 'open' })).items.map((r) => r.contactId);
    expect(await byStatus('open')).toEqual([]);
    expect(await byStatus('charged')).toEqual(['parked-charge']);
    expect(await byStatus('dismissed')).toEqual(['parked-dismiss']);
    // Two more parked, a minute apart: newest parked first, one a page.
    useClock(new TestClock('2027-01-11T04:01:00Z'));
    await ingest(answeredCall(ACCESS, { contactId: 'parked-old', answeredAt: '2026-12-31T03:00:00Z' }));
    useClock(new TestClock('2027-01-11T04:02:00Z'));
    await ingest(answeredCall(ACCESS, { contactId: 'parked-new', answeredAt: '2026-12-31T04:00:00Z' }));
    const first = await parkedRecords.list({ limit: 1 });
    expect(first.items.map((r) => r.contactId)).toEqual(['parked-new']);
    const second = await parkedRecords.list({ limit: 1, cursor: first.nextCursor as string });
    expect(second.items.map((r) => r.contactId)).toEqual(['parked-old']);
    expect(
      (await parkedRecords.list({ limit: 5, number: '4006999999' })).items.map((r) => r.contactId),
    ).toEqual([]);
    expect(await call(getParked, asOperator({ path: { contactId: 'no-such' } }))).toMatchObject({
      status: 404,
      body: { error: { code: 'parked_record_not_found' } },
    });
  });

  it('refuses tenants on every review route', async () => {
    const tenant = { tenantId: TENANT, roles: ['tenant-admin' as const], at: NOW };
    for (const [h, extra] of [
      [listParked, {}],
      [getParked, { path: { contactId: 'parked-new' } }],
      [resolveParked, { path: { contactId: 'parked-new' }, body: { action: 'charge' } }],
    ] as const) {
      expect(await call(h, apiEvent({ ...tenant, ...extra }))).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden' } },
      });
    }
    expect((await parkedRecords.get('parked-new')).status).toBe('open');
  });
});
