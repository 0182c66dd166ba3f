/**
 * Late SLA credits and catch-up of missed months, on the real engine: an outage recorded after its month
 * was billed is credited once by a later run (and shown on that run's statement); months the scheduler
 * never ran are billed by the next run, oldest first; reruns and overlapping copies post nothing twice.
 * The tests run in order, each on the months the one before billed.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { useBillingQueue } from '../../shared/adapters/sqs/billing-queue.js';
import { inProcessQueue } from '../../shared/adapters/sqs/in-process-queue.js';
import { tableName } from '../../shared/config.js';
import { monthBounds } from '../../shared/domain/billing/calendar.js';
import { share } from '../../shared/domain/billing/proration.js';
import { planBatches } from '../../shared/domain/billing/run.js';
import { billingStores } from '../../shared/runtime/billing.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { accountBalance, ledgerOf, runMonthlyBilling, seedContracts } from '../support/billing-fixtures.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

const ZONE = 'Asia/Shanghai';
const RENT = 20_000;
const A = '4006000001';
const B = '4006000002';
/** Rent waived for `days` days of a 31-day month, as the monthly run computes it. */
const waived = (days: number, inMonth = 31) => RENT - share(RENT, inMonth - days, inMonth);

let db: TestDatabase;

/** The scheduler at 00:10 Shanghai on the 1st of `month` (bills the month before). */
const firstOf = (month: string) => new Date(Date.parse(`${month}-01T00:10:00+08:00`)).toISOString();

const creditsFor = async (tenantId: string, number: string, month: string) =>
  (await ledgerOf(tenantId)).filter((e) => e.key.startsWith(`${tenantId}#${number}#${month}#sla_credit`));

/** Each statement opens with the one before's closing, and the last closes at the account balance. */
async function expectChain(tenantId: string, months: readonly string[]) {
  let previous: number | undefined;
  for (const month of months) {
    const statement = await billingStores.statements.get(tenantId, month);
    expect(statement, `${tenantId} ${month}`).toBeDefined();
    if (previous !== undefined) expect(statement?.openingBalance, `${tenantId} ${month}`).toBe(previous);
    expect(statement?.closingBalance).toBe(
      (statement?.openingBalance ?? 0) + (statement?.lines ?? []).reduce((s, l) => s + l.amount, 0),
    );
    previous = statement?.closingBalance;
  }
  expect(previous).toBe(await accountBalance(tenantId));
}

async function deliverTwiceAtOnce(month: string, tenants: readonly string[]) {
  const { handler: worker } = await import('../../functions/jobs/billing-worker.js');
  const contracts = (await billingStores.contracts.all(ZONE)).filter((c) => tenants.includes(c.tenantId));
  const [batch] = planBatches(month, contracts);
  const record = (id: string) => ({ messageId: id, body: JSON.stringify(batch) }) as never;
  const results = await Promise.all([
    worker({ Records: [record('a')] }, {} as never),
    worker({ Records: [record('b')] }, {} as never),
  ]);
  // A loser of the race on an account is redelivered, and then finds everything done.
  if (results.some((r) => r.batchItemFailures.length > 0))
    await worker({ Records: [record('c')] }, {} as never);
}

beforeAll(async () => {
  db = await startTestDatabase();
  usePorts({ notifications: { publish: async () => ({ messageId: 'n' }) } });
  useBillingQueue(
    inProcessQueue(async () => (await import('../../functions/jobs/billing-worker.js')).handler as never, {}),
  );
  await seedContracts([
    { tenantId: 'lt', number: A, serviceFrom: '2025-06-01', termEnd: '2027-06-01', minimumSpend: 0 },
    // Ends with January: an outage of January recorded late still earns its credit.
    {
      tenantId: 'gone',
      number: B,
      serviceFrom: '2025-06-01',
      serviceTo: '2026-02-01',
      termEnd: '2027-06-01',
      minimumSpend: 0,
    },
  ]);
});
afterAll(async () => {
  useBillingQueue(undefined);
  resetPorts();
  await db.stop();
});

describe('SLA credits for outages recorded after their month was billed', () => {
  it('bills a new deployment’s first month without catching up months before it', async () => {
    const first = await runMonthlyBilling(firstOf('2026-02'));
    expect(first).toMatchObject({ month: '2026-01', status: 'started', completed: true, caughtUp: [] });
    expect(await billingStores.runs.read('billing-monthly', '2025-12')).toBeUndefined();
    expect(await creditsFor('lt', A, '2026-01')).toEqual([]);
  });

  it('credits an outage recorded after its month was billed once, in the next run, on its statement', async () => {
    const january = await billingStores.statements.get('lt', '2026-01');
    await billingStores.incidents.create({
      incidentId: 'inc-late',
      startAt: '2026-01-20T01:00:00.000Z',
      endAt: '2026-01-20T04:00:00.000Z',
      numbers: [A, B],
      description: 'trunk down',
      recordedAt: '2026-02-05T02:00:00.000Z',
      recordedBy: 'op',
    });
    await billingStores.incidents.create({
      incidentId: 'inc-short',
      startAt: '2026-01-22T01:00:00.000Z',
      endAt: '2026-01-22T02:00:00.000Z',
      numbers: 'all',
      description: 'blip',
      recordedAt: '2026-02-05T02:00:00.000Z',
      recordedBy: 'op',
    });

    const feb = await runMonthlyBilling(firstOf('2026-03'));
    expect(feb).toMatchObject({ month: '2026-02', status: 'started', completed: true, caughtUp: [] });

    const februaryEnd = monthBounds('2026-02', ZONE).lastInstant;
    for (const [tenant, number] of [
      ['lt', A],
      ['gone', B],
    ] as const) {
      expect(await creditsFor(tenant, number, '2026-01')).toEqual([
        {
          key: `${tenant}#${number}#2026-01#sla_credit`,
          kind: 'sla_credit',
          amount: waived(1),
          at: februaryEnd,
        },
      ]);
      const statement = await billingStores.statements.get(tenant, '2026-02');
      const line = statement?.lines.find((l) => l.kind === 'sla_credit');
      expect(line?.amount).toBe(waived(1));
      expect(line?.description).toContain('2026-01');
      expect(line?.description).toContain('inc-late');
      expect(line?.description).not.toContain('inc-short');
      await expectChain(tenant, ['2026-01', '2026-02']);
    }
    expect(await creditsFor('lt', A, '2026-02')).toEqual([]);
    // The contract that ended is charged nothing for February: the credit is its statement's only line.
    expect((await billingStores.statements.get('gone', '2026-02'))?.lines.map((l) => l.kind)).toEqual([
      'sla_credit',
    ]);
    expect(await billingStores.statements.get('lt', '2026-01')).toEqual(january);
  });

  it('credits nothing more when February or January run again, even redelivered to two workers at once', async () => {
    const before = { lt: await ledgerOf('lt'), gone: await ledgerOf('gone') };
    const statement = await billingStores.statements.get('lt', '2026-02');
    expect((await runMonthlyBilling(firstOf('2026-03'))).status).toBe('skipped');
    expect((await runMonthlyBilling(firstOf('2026-02'))).status).toBe('skipped');
    // A worker that died after posting, before writing the statements: February's batch again, twice.
    for (const tenantId of ['lt', 'gone'])
      await dynamo().send(
        new DeleteCommand({
          TableName: tableName('ledger'),
          Key: { pk: `ACCT#${tenantId}`, sk: 'STATEMENT#2026-02' },
        }),
      );
    await deliverTwiceAtOnce('2026-02', ['lt', 'gone']);
    // January's batch too (its statements exist: skipped).
    await deliverTwiceAtOnce('2026-01', ['lt', 'gone']);
    expect(await ledgerOf('lt')).toEqual(before.lt);
    expect(await ledgerOf('gone')).toEqual(before.gone);
    expect((await billingStores.statements.get('lt', '2026-02'))?.lines).toEqual(statement?.lines);
    await expectChain('lt', ['2026-01', '2026-02']);
    await expectChain('gone', ['2026-01', '2026-02']);
  });

  it('credits nothing more in the runs after, and only the difference when a later incident adds days', async () => {
    const march = await runMonthlyBilling(firstOf('2026-04'));
    expect(march).toMatchObject({ month: '2026-03', status: 'started', completed: true });
    expect(await creditsFor('lt', A, '2026-01')).toHaveLength(1);
    expect(await creditsFor('gone', B, '2026-01')).toHaveLength(1);
    expect(await billingStores.statements.get('gone', '2026-03')).toBeUndefined();

    // Two more January outages recorded in April: one on a day already waived, one on a new day.
    await billingStores.incidents.create({
      incidentId: 'inc-again',
      startAt: '2026-01-20T06:00:00.000Z',
      endAt: '2026-01-20T10:00:00.000Z',
      numbers: [A],
      description: 'same day',
      recordedAt: '2026-04-10T02:00:00.000Z',
      recordedBy: 'op',
    });
    await billingStores.incidents.create({
      incidentId: 'inc-late-2',
      startAt: '2026-01-25T01:00:00.000Z',
      endAt: '2026-01-25T05:00:00.000Z',
      numbers: [A],
      description: 'switch fault',
      recordedAt: '2026-04-10T02:00:00.000Z',
      recordedBy: 'op',
    });
    const april = await runMonthlyBilling(firstOf('2026-05'));
    expect(april).toMatchObject({ month: '2026-04', status: 'started', completed: true });
    const credits = await creditsFor('lt', A, '2026-01');
    expect(credits.map((c) => c.key).sort()).toEqual([
      `lt#${A}#2026-01#sla_credit`,
      `lt#${A}#2026-01#sla_credit#2`,
    ]);
    // Two days waived in all, never more than the rent of the days charged.
    expect(credits.reduce((s, c) => s + c.amount, 0)).toBe(waived(2));
    expect(credits.find((c) => c.key.endsWith('#2'))?.amount).toBe(waived(2) - waived(1));
    const line = (await billingStores.statements.get('lt', '2026-04'))?.lines.find(
      (l) => l.kind === 'sla_credit',
    );
    expect(line?.amount).toBe(waived(2) - waived(1));
    expect(line?.description).toContain('2026-01');
    expect(line?.description).toContain('inc-late-2');
    expect(await creditsFor('gone', B, '2026-01')).toHaveLength(1);
    await expectChain('lt', ['2026-01', '2026-02', '2026-03', '2026-04']);
  });
});

describe('catching up months the scheduler never ran', () => {
  it('bills the skipped months first, oldest first, and then its own; a rerun changes nothing', async () => {
    // May's and June's schedules never ran: August 1st's run bills May, June, then July.
    const july = await runMonthlyBilling(firstOf('2026-08'));
    expect(july).toMatchObject({ month: '2026-07', status: 'started', completed: true });
    expect(july.caughtUp.map((r) => [r.month, r.status, r.completed])).toEqual([
      ['2026-05', 'started', true],
      ['2026-06', 'started', true],
    ]);
    const rents = (await ledgerOf('lt')).filter((e) => e.kind === 'monthly_rent').map((e) => e.key);
    for (const month of ['2026-05', '2026-06', '2026-07'])
      expect(rents.filter((k) => k === `lt#${A}#${month}#monthly_rent`)).toHaveLength(1);
    const may = await billingStores.runs.read('billing-monthly', '2026-05');
    const june = await billingStores.runs.read('billing-monthly', '2026-06');
    const julyRun = await billingStores.runs.read('billing-monthly', '2026-07');
    expect([may?.phase, june?.phase, julyRun?.phase]).toEqual(['complete', 'complete', 'complete']);
    // Oldest first: each completed before the next one started.
    expect(String(may?.completedAt) <= String(june?.completedAt)).toBe(true);
    expect(String(june?.completedAt) <= String(julyRun?.completedAt)).toBe(true);
    await expectChain('lt', ['2026-04', '2026-05', '2026-06', '2026-07']);

    const before = await ledgerOf('lt');
    const again = await runMonthlyBilling(firstOf('2026-08'));
    expect(again).toMatchObject({ status: 'skipped', caughtUp: [] });
    expect(await ledgerOf('lt')).toEqual(before);
  });

  it('bills the month before the intended instant when started days late', async () => {
    // September 5th, 10:00 Shanghai: still August's run (July is complete, nothing to catch up).
    const late = await runMonthlyBilling('2026-09-05T02:00:00.000Z');
    expect(late).toMatchObject({ month: '2026-08', status: 'started', completed: true, caughtUp: [] });
    const keys = (await ledgerOf('lt')).map((e) => e.key);
    expect(keys).toContain(`lt#${A}#2026-08#monthly_rent`);
    expect(keys.filter((k) => k.includes('#2026-09#'))).toEqual([]);
  });

  it('posts nothing twice when two schedulers overlap, catching up a month and crediting a late outage', async () => {
    // September never ran; an August outage is recorded after August was billed.
    await billingStores.incidents.create({
      incidentId: 'inc-aug',
      startAt: '2026-08-10T01:00:00.000Z',
      endAt: '2026-08-10T06:00:00.000Z',
      numbers: 'all',
      description: 'platform outage',
      recordedAt: '2026-09-20T02:00:00.000Z',
      recordedBy: 'op',
    });
    const both = await Promise.all([
      runMonthlyBilling(firstOf('2026-11')),
      runMonthlyBilling(firstOf('2026-11')),
    ]);
    expect(both.map((r) => r.month)).toEqual(['2026-10', '2026-10']);
    expect(both.map((r) => r.status).sort()).toEqual(['skipped', 'started']);
    expect(both.flatMap((r) => r.caughtUp.map((c) => `${c.month}:${c.status}`)).sort()).toEqual([
      '2026-09:skipped',
      '2026-09:started',
    ]);
    const entries = await ledgerOf('lt');
    for (const month of ['2026-09', '2026-10'])
      expect(entries.filter((e) => e.key === `lt#${A}#${month}#monthly_rent`)).toHaveLength(1);
    // The August credit, once, applied by September's (catch-up) run.
    expect(await creditsFor('lt', A, '2026-08')).toEqual([
      {
        key: `lt#${A}#2026-08#sla_credit`,
        kind: 'sla_credit',
        amount: waived(1),
        at: monthBounds('2026-09', ZONE).lastInstant,
      },
    ]);
    // The ended contract served no day of August: nothing for it.
    expect(await creditsFor('gone', B, '2026-08')).toEqual([]);
    await expectChain('lt', ['2026-07', '2026-08', '2026-09', '2026-10']);
  });

  it('credits a late outage once when the same batch reaches two workers at once', async () => {
    await billingStores.incidents.create({
      incidentId: 'inc-oct',
      startAt: '2026-10-12T01:00:00.000Z',
      endAt: '2026-10-13T01:00:00.000Z',
      numbers: [A],
      description: 'a day and a night',
      recordedAt: '2026-11-03T02:00:00.000Z',
      recordedBy: 'op',
    });
    await deliverTwiceAtOnce('2026-11', ['lt']);
    // 09:00 on the 12th to 09:00 on the 13th, Shanghai: two local days touched.
    expect(await creditsFor('lt', A, '2026-10')).toEqual([
      {
        key: `lt#${A}#2026-10#sla_credit`,
        kind: 'sla_credit',
        amount: waived(2),
        at: monthBounds('2026-11', ZONE).lastInstant,
      },
    ]);
    const november = await billingStores.statements.get('lt', '2026-11');
    expect(november?.lines.filter((l) => l.kind === 'sla_credit')).toHaveLength(1);
    await expectChain('lt', ['2026-10', '2026-11']);
  });
});
