/**
 * Issue 13: the one-off ownership backfill on the embedded engine, run through its job handler. Numbers
 * that came into service before ownership periods were kept get the periods their history (or contract)
 * says; complete and never-held numbers are left alone; a rerun changes nothing. A call of the earlier
 * owner's tenure parks before the backfill and is charged to that owner after it.
 */
import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as backfillJob } from '../../functions/jobs/number-ownership-backfill.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest } from '../../shared/runtime/ingest.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { account, answeredCall, callItem, topUp } from './ingest-fixtures.js';

let db: TestDatabase;

const number = (n: string, extra: Record<string, unknown>) => ({
  pk: `NUM#${n}`,
  sk: 'NUMBER',
  type: 'number',
  number: n,
  segment: n.slice(0, 4),
  tier: 'standard',
  tierRank: 0,
  selectionFee: 0,
  importedAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});
let version = 0;
const history = (
  n: string,
  at: string,
  from: string,
  to: string,
  command: string,
  tenantId?: string,
  newOwner?: string,
) => {
  const sk = `HIST#${at}#${String(++version).padStart(8, '0')}`;
  const row = { pk: `NUM#${n}`, type: 'number_history', number: n, at, from, to, command, actor: 'x' };
  return [
    { ...row, sk, ...(tenantId ? { tenantId } : {}) },
    ...(newOwner ? [{ ...row, sk: `${sk}#new`, tenantId: newOwner }] : []),
  ];
};
/** A tenure walked the way the lifecycle writes it: hold, application, approval, activation. */
const activation = (n: string, tenantId: string, day: string) => [
  ...history(n, `${day}T01:00:00.000Z`, 'available', 'reserved', 'reserve', tenantId),
  ...history(n, `${day}T02:00:00.000Z`, 'reserved', 'applied', 'apply', tenantId),
  ...history(n, `${day}T03:00:00.000Z`, 'applied', 'activating', 'approve', tenantId),
  ...history(n, `${day}T03:05:00.000Z`, 'activating', 'active', 'activate', tenantId),
];

async function put(items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25)
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName('numbers')]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
}

const items = async () => {
  const out = new Map<string, Record<string, unknown>>();
  for (const n of ['4006200001', '4006200002', '4006200003', '4006200004', '4006200005', '4006200006']) {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName('numbers'),
        Key: { pk: `NUM#${n}`, sk: 'NUMBER' },
      }),
    );
    out.set(n, Item as Record<string, unknown>);
  }
  return out;
};

const run = async (at: string) =>
  (await backfillJob({ at }, lambdaContext)) as {
    scanned: number;
    written: number;
    unchanged: number;
    failed: number;
  };

beforeAll(async () => {
  db = await startTestDatabase();
  useLocalNotifier();
  useClock(new TestClock('2027-01-11T04:00:00Z'));
  await put([
    // 1. Activated by A on 2 December before periods were kept: no periods at all.
    number('4006200001', {
      status: 'active',
      tenantId: 'bf-a',
      accessNumber: '+6532100001',
      contractId: 'ct_1',
      version: 4,
    }),
    ...activation('4006200001', 'bf-a', '2026-12-02'),
    // 2. Activated by A on 3 December, transferred to B on 9 January after periods were kept: only B's.
    number('4006200002', {
      status: 'active',
      tenantId: 'bf-b',
      accessNumber: '+6532100002',
      version: 6,
      owners: [{ tenantId: 'bf-b', accessNumber: '+6532100002', from: '2027-01-09T00:00:00.000Z' }],
    }),
    ...activation('4006200002', 'bf-a', '2026-12-03'),
    ...history(
      '4006200002',
      '2027-01-08T00:00:00.000Z',
      'active',
      'transfer_pending',
      'request_transfer',
      'bf-a',
    ),
    ...history(
      '4006200002',
      '2027-01-09T00:00:00.000Z',
      'transfer_pending',
      'active',
      'accept_transfer',
      'bf-a',
      'bf-b',
    ),
    // 3. Periods complete since its activation: left alone.
    number('4006200003', {
      status: 'active',
      tenantId: 'bf-c',
      accessNumber: '+6532100003',
      version: 4,
      owners: [{ tenantId: 'bf-c', accessNumber: '+6532100003', from: '2026-12-04T03:05:00.000Z' }],
    }),
    ...activation('4006200003', 'bf-c', '2026-12-04'),
    // 4. Never held.
    number('4006200004', { status: 'available', version: 1 }),
    // 5. Held without history (migrated data): the contract's creation opens the period.
    number('4006200005', {
      status: 'suspended',
      tenantId: 'bf-e',
      accessNumber: '+6532100005',
      contractId: 'ct_5',
      version: 3,
    }),
    {
      pk: 'NUM#4006200005',
      sk: 'CONTRACT#ct_5',
      type: 'contract',
      contractId: 'ct_5',
      number: '4006200005',
      tenantId: 'bf-e',
      createdAt: '2026-11-20T08:00:00.000Z',
    },
    // 6. Held by D from 5 December, cancelled on 20 December, now in quarantine.
    number('4006200006', { status: 'quarantined', previousTenantId: 'bf-d', version: 8 }),
    ...activation('4006200006', 'bf-d', '2026-12-05'),
    ...history(
      '4006200006',
      '2026-12-10T00:00:00.000Z',
      'active',
      'cancellation_requested',
      'request_cancellation',
      'bf-d',
    ),
    ...history(
      '4006200006',
      '2026-12-20T00:00:00.000Z',
      'cancellation_requested',
      'cancelled',
      'complete_cancellation',
      'bf-d',
    ),
    ...history(
      '4006200006',
      '2026-12-21T00:00:00.000Z',
      'cancelled',
      'quarantined',
      'start_quarantine',
      'bf-d',
    ),
  ]);
  await dynamo().send(
    new PutCommand({
      TableName: tableName('routing'),
      Item: {
        pk: 'ACCESS#+6532100002',
        sk: 'SNAPSHOT',
        type: 'routing_snapshot',
        number400: '4006200002',
        tenantId: 'bf-b',
        numberStatus: 'active',
      },
    }),
  );
  await topUp('bf-a', 10_000);
  await topUp('bf-b', 10_000);
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});

describe('ownership backfill job', () => {
  it('writes the periods history and contracts say, leaves complete and unheld numbers alone, and a rerun changes nothing', async () => {
    // A's call of 6 January on the number now B's: nobody held it then, as far as the periods know.
    const ofA = answeredCall('+6532100002', { contactId: 'bf-call-a', answeredAt: '2027-01-06T03:00:00Z' });
    expect(await ingest.ingestContactRecords([{ id: '1', data: JSON.stringify(ofA) }])).toMatchObject({
      parked: 1,
      charged: 0,
    });

    expect(await run('2027-01-11T04:00:00.000Z')).toEqual({
      scanned: 6,
      written: 4,
      unchanged: 2,
      failed: 0,
    });
    const after = await items();
    expect(after.get('4006200001')).toMatchObject({
      owners: [{ tenantId: 'bf-a', accessNumber: '+6532100001', from: '2026-12-02T03:05:00.000Z' }],
      version: 5,
      ownershipBackfilledAt: '2027-01-11T04:00:00.000Z',
    });
    expect(after.get('4006200002')?.owners).toEqual([
      { tenantId: 'bf-a', from: '2026-12-03T03:05:00.000Z', to: '2027-01-09T00:00:00.000Z' },
      { tenantId: 'bf-b', accessNumber: '+6532100002', from: '2027-01-09T00:00:00.000Z' },
    ]);
    expect(after.get('4006200003')).toMatchObject({ version: 4 });
    expect(after.get('4006200003')?.ownershipBackfilledAt).toBeUndefined();
    expect(after.get('4006200004')?.owners).toBeUndefined();
    expect(after.get('4006200005')?.owners).toEqual([
      { tenantId: 'bf-e', accessNumber: '+6532100005', from: '2026-11-20T08:00:00.000Z' },
    ]);
    expect(after.get('4006200006')?.owners).toEqual([
      { tenantId: 'bf-d', from: '2026-12-05T03:05:00.000Z', to: '2026-12-20T00:00:00.000Z' },
    ]);

    expect(await run('2027-01-11T05:00:00.000Z')).toEqual({
      scanned: 6,
      written: 0,
      unchanged: 6,
      failed: 0,
    });
    expect(await items()).toEqual(after);

    // Delivered again, A's call is A's now: 60 s long distance at Wednesday's peak, 25 fen.
    const again = { ...ofA, LastUpdateTimestamp: '2027-01-11T03:59:00.000Z' };
    expect(await ingest.ingestContactRecords([{ id: '2', data: JSON.stringify(again) }])).toMatchObject({
      charged: 1,
      parked: 0,
    });
    expect(await callItem('bf-call-a')).toMatchObject({ tenantId: 'bf-a', amount: 25 });
    expect((await account('bf-a')).balance).toBe(10_000 - 25);
    expect((await account('bf-b')).balance).toBe(10_000);
  });
});
