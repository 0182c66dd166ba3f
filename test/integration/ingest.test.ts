import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../shared/app/calls/ingest-contact-records.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest as ingestRoot } from '../../shared/runtime/ingest.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import {
  account,
  answeredCall,
  bindNumbers,
  callItem,
  fixture,
  ledgerSum,
  topUp,
} from './ingest-fixtures.js';

let db: TestDatabase;
const ingest = { ingest: (batch: readonly RawRecord[]) => ingestRoot.ingestContactRecords(batch) };
let seq = 0;
const records = (...data: unknown[]): RawRecord[] =>
  data.map((d) => ({ id: String(++seq), data: typeof d === 'string' ? d : JSON.stringify(d) }));

beforeAll(async () => {
  db = await startTestDatabase();
  await bindNumbers([
    { tenantId: 'acme', number400: '4008123456', accessNumber: '+6531580001' },
    { tenantId: 'acme', number400: '4007123456', accessNumber: '+6531580002' },
    { tenantId: 'beta', number400: '4006000001', accessNumber: '+6531580003' },
  ]);
  await topUp('acme', 100_000);
  await topUp('beta', 100_000);
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});
/** The records are of 24 November 2026: charged the next day, whatever day the tests run. */
const pinClock = () => useClock(new TestClock('2026-11-25T04:00:00Z'));

beforeEach(() => {
  resetPorts();
  pinClock();
  useLocalNotifier();
});

describe('contact-record ingest', () => {
  it('charges the forwarded fixture once, turns its update into a delta adjustment and ignores the stale one', async () => {
    const first = fixture('ctr-forwarded-call.json');
    const update = fixture('ctr-forwarded-call-update.json');
    const before = (await account('acme')).balance;
    const r1 = await ingest.ingest(records(first, first));
    expect(r1).toMatchObject({ charged: 1, failures: [] });
    const call = await callItem(String(first.ContactId));
    // A Beijing mobile forwarded to a Beijing fixed line: local (libphonenumber's data puts both in
    // 北京市). 262 s → 5 minutes at 4008's local 15 fen, peak time.
    expect(call).toMatchObject({
      amount: 75,
      ledgerAmount: 75,
      missed: false,
      number: '4008123456',
      durationSeconds: 262,
      tenantId: 'acme',
    });
    expect((await account('acme')).balance).toBe(before - 75);

    // The update adds a 262 s recording: 5 minutes × 2 fen value-added → +10 as an adjustment.
    const r2 = await ingest.ingest(records(update, first));
    expect(r2).toMatchObject({ charged: 0, adjusted: 1 });
    expect(await callItem(String(first.ContactId))).toMatchObject({
      amount: 85,
      ledgerAmount: 75,
      recordingSeconds: 262,
    });
    expect((await account('acme')).balance).toBe(before - 85);

    // Replayed days later, in any order: nothing moves.
    const r3 = await ingest.ingest(records(first, update, first));
    expect(r3).toMatchObject({ charged: 0, adjusted: 0, stale: 1 });
    expect((await account('acme')).balance).toBe(before - 85);
  });

  it('records missed calls at no cost and ignores chats', async () => {
    const before = (await account('acme')).balance;
    const r = await ingest.ingest(records(fixture('ctr-abandoned-in-queue.json'), fixture('ctr-chat.json')));
    expect(r).toMatchObject({ charged: 1, ignored: 1, failures: [] });
    expect(await callItem('c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f')).toMatchObject({
      missed: true,
      amount: 0,
      number: '4007123456',
    });
    expect((await account('acme')).balance).toBe(before);
  });

  it('charges an agent-answered call from the agent connection', async () => {
    const r = await ingest.ingest(records(fixture('ctr-agent-answered.json')));
    expect(r.failures).toEqual([]);
    // 07:41:35 → 07:48:17 = 402 s → 7 minutes on 4007, IVR used (+1).
    expect(await callItem('b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e')).toMatchObject({
      durationSeconds: 402,
      billedSeconds: 420,
      amount: 7 * 20 + 1,
    });
  });

  it('reports malformed records and unknown access numbers as failures without blocking the good ones', async () => {
    const good = answeredCall('+6531580003');
    const r = await ingest.ingest(
      records('{"ContactId": "x"', 42, { ContactId: 'no-timestamps' }, good, answeredCall('+6500000000'), {
        ...answeredCall('+6531580003'),
        DisconnectTimestamp: 'yesterday',
      }),
    );
    expect(r.charged).toBe(1);
    expect(r.failures.map((f) => f.reason)).toEqual([
      'malformed JSON',
      'record is not a JSON object',
      'missing or invalid LastUpdateTimestamp',
      'missing or invalid DisconnectTimestamp',
      'access number +6500000000 is not bound to a 400 number',
    ]);
    expect(await callItem(String(good.ContactId))).toMatchObject({ tenantId: 'beta' });
  });

  it('aggregates a batch per account: ledger and balance agree', async () => {
    const calls = Array.from({ length: 250 }, (_, i) =>
      answeredCall(i % 2 ? '+6531580001' : '+6531580003', { seconds: 30 + i }),
    );
    const r = await ingest.ingest(records(...calls));
    expect(r).toMatchObject({ charged: 250, failures: [] });
    for (const tenant of ['acme', 'beta']) {
      const { sum } = await ledgerSum(tenant);
      const acct = await account(tenant);
      expect(acct.balance - acct.owed).toBe(sum);
    }
  });

  it('stamps arrearsSince when calls exhaust the balance, keeps it, and a top-up clears it', async () => {
    await bindNumbers([{ tenantId: 'poor', number400: '4008555001', accessNumber: '+6531580009' }]);
    await topUp('poor', 200);
    // 5 minutes long distance at 30 fen: 150 each, so the second call crosses zero (charged at the test clock).
    useClock(new TestClock('2026-11-24T12:00:00Z'));
    const r = await ingest
      .ingest(
        records(answeredCall('+6531580009', { seconds: 300 }), answeredCall('+6531580009', { seconds: 300 })),
      )
      .finally(pinClock);
    expect(r).toMatchObject({ charged: 2, failures: [] });
    const stopped = await account('poor');
    expect(stopped).toMatchObject({ balance: 0, owed: 100, status: 'arrears' });
    expect(stopped.arrearsSince).toBe('2026-11-24T12:00:00.000Z');
    await ingest.ingest(records(answeredCall('+6531580009', { seconds: 60 })));
    expect(await account('poor')).toMatchObject({ status: 'arrears', arrearsSince: stopped.arrearsSince });
    await topUp('poor', 10_000, 'topup#back');
    const back = await account('poor');
    expect(back).toMatchObject({ status: 'active' });
    expect(back).not.toHaveProperty('arrearsSince');
  });

  it('keeps records for the retention period: at least 2 years for medical tenants', async () => {
    await bindNumbers([{ tenantId: 'clinic', number400: '4001999999', accessNumber: '+6531589999' }]);
    await topUp('clinic', 10_000);
    const { dynamo } = await import('../../shared/adapters/dynamo/client.js');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { tableName } = await import('../../shared/config.js');
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ledger'),
        Key: { pk: 'ACCT#clinic', sk: 'ACCOUNT' },
        UpdateExpression: 'SET industry = :m',
        ExpressionAttributeValues: { ':m': 'medical' },
      }),
    );
    const c = answeredCall('+6531589999');
    await ingest.ingest(records(c));
    const item = await callItem(String(c.ContactId));
    const ended = Date.parse(String(item?.endedAt)) / 1000;
    expect(item?.expiresAt - ended).toBeGreaterThanOrEqual(731 * 86_400);
  });
});
