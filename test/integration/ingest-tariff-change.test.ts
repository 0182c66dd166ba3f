/**
 * Issue 13 item 1 on the embedded engine: a call is charged by the tariff in force when it STARTED, not when
 * its record is ingested. One stored version (payg, 4008) takes effect at T = 1 Jan 2027 00:00 Shanghai
 * (31 Dec 2026 16:00 UTC): long distance 30 → 36 fen a minute, local 15 → 14.
 * answeredCall: a Shanghai caller answered in Beijing (long distance), started 16 s before its answer.
 * The numbers carry no plan, so they rate as payg (no included minutes): every minute is charged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../shared/app/calls/ingest-contact-records.js';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import { TestClock } from '../../shared/ports/clock.js';
import { ingest as ingestRoot } from '../../shared/runtime/ingest.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { useTariffStore } from '../../shared/runtime/tariffs.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { account, answeredCall, bindNumbers, callItem, ledgerSum, topUp } from './ingest-fixtures.js';

const VERSION: TariffVersion = {
  planId: 'payg',
  effectiveFrom: '2027-01-01',
  rates: { '4008': { localPerMinute: 14, longDistancePerMinute: 36 } },
  description: 'dearer long distance',
  scheduledAt: '2026-11-20T00:00:00Z',
};

let db: TestDatabase;
let seq = 0;
const ingest = (...data: unknown[]) =>
  ingestRoot.ingestContactRecords(
    data.map((d): RawRecord => ({ id: String(++seq), data: JSON.stringify(d) })),
  );

beforeAll(async () => {
  db = await startTestDatabase();
  useTariffStore({ list: async () => [{ ...VERSION, scheduledBy: 'op', noticeState: 'done' }] });
});
afterAll(async () => {
  useTariffStore();
  resetPorts();
  await db.stop();
});
beforeEach(() => {
  resetPorts();
  useLocalNotifier();
});

describe('a price quoted is the price charged', () => {
  it('prices each call of one batch by the tariff in force at its own start', async () => {
    useClock(new TestClock('2027-01-04T04:00:00Z'));
    await bindNumbers([{ tenantId: 'tariff-1', number400: '4008700001', accessNumber: '+6533000001' }]);
    await topUp('tariff-1', 10_000);
    // Thursday 31 Dec 2026 10:00 Shanghai (peak, before T): 3 minutes × 30 = 90 fen.
    const before = answeredCall('+6533000001', { answeredAt: '2026-12-31T02:00:00Z', seconds: 180 });
    // Monday 4 Jan 2027 10:00 Shanghai (peak, after T): 3 minutes × 36 = 108 fen.
    const after = answeredCall('+6533000001', { answeredAt: '2027-01-04T02:00:00Z', seconds: 180 });
    expect(await ingest(before, after)).toMatchObject({ charged: 2, failures: [] });
    expect(await callItem(String(before.ContactId))).toMatchObject({
      amount: 90,
      ledgerAmount: 90,
      tariffVersion: '2026-11-01',
    });
    expect(await callItem(String(after.ContactId))).toMatchObject({
      amount: 108,
      ledgerAmount: 108,
      tariffVersion: '2026-11-01+payg@2027-01-01',
    });
    // 10,000 − 90 − 108 = 9,802; the ledger agrees.
    expect((await account('tariff-1')).balance).toBe(9_802);
    expect((await ledgerSum('tariff-1')).sum).toBe(9_802);
  });

  it('charges a late record of a call made before the change at the old price', async () => {
    useClock(new TestClock('2027-01-05T04:00:00Z'));
    await bindNumbers([{ tenantId: 'tariff-2', number400: '4008700002', accessNumber: '+6533000002' }]);
    await topUp('tariff-2', 10_000);
    // Wednesday 30 Dec 2026 10:00 Shanghai, ingested on 5 January: 2 minutes × 30 = 60 fen (not 72).
    const late = answeredCall('+6533000002', { answeredAt: '2026-12-30T02:00:00Z', seconds: 120 });
    // Its newer record, ingested later still: re-rated at the same old price (4 minutes × 30 = 120).
    expect(await ingest(late)).toMatchObject({ charged: 1, failures: [] });
    expect(await callItem(String(late.ContactId))).toMatchObject({ amount: 60, tariffVersion: '2026-11-01' });
    useClock(new TestClock('2027-01-06T04:00:00Z'));
    const update = answeredCall('+6533000002', {
      contactId: String(late.ContactId),
      answeredAt: '2026-12-30T02:00:00Z',
      seconds: 240,
      lastUpdate: '2027-01-06T03:00:00Z',
    });
    expect(await ingest(update)).toMatchObject({ adjusted: 1, failures: [] });
    expect(await callItem(String(late.ContactId))).toMatchObject({
      amount: 120,
      ledgerAmount: 60,
      tariffVersion: '2026-11-01',
    });
    // 10,000 − 60 − 60 (the adjustment) = 9,880.
    expect((await account('tariff-2')).balance).toBe(9_880);
    expect((await ledgerSum('tariff-2')).sum).toBe(9_880);
  });
});
