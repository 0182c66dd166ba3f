import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBillingQueue } from '../../shared/adapters/sqs/billing-queue.js';
import { type InProcessQueue, inProcessQueue } from '../../shared/adapters/sqs/in-process-queue.js';
import type { LedgerPort } from '../../shared/domain/ledger/types.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { billingStores } from '../../shared/runtime/billing.js';
import { useBillingLedger } from '../../shared/runtime/billing-jobs.js';
import { ledger } from '../../shared/runtime/ledger.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { accountBalance, ledgerOf, runMonthlyBilling, seedContracts } from '../support/billing-fixtures.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
let queue: InProcessQueue;

const published: Notification[] = [];

beforeAll(async () => {
  db = await startTestDatabase();
  usePorts({
    notifications: {
      publish: async (n) => {
        published.push(n);
        return { messageId: String(published.length) };
      },
    },
  });
  queue = inProcessQueue(
    async () => (await import('../../functions/jobs/billing-worker.js')).handler as never,
    {},
  );
  useBillingQueue(queue);
});
afterEach(() => useBillingLedger(undefined));
afterAll(async () => {
  useBillingQueue(undefined);
  resetPorts();
  await db.stop();
});

// A run at 2026-02-01 00:10 Shanghai bills January 2026.
const FEB_RUN = '2026-01-31T16:10:00.000Z';
const MAR_RUN = '2026-02-28T16:10:00.000Z';

describe('monthly billing through the ledger', () => {
  it('charges rent, fees, true-up, retention and SLA credits once, and writes statements that add up', async () => {
    await ledger().post([
      {
        tenantId: 'acme',
        key: 'topup#1',
        kind: 'top_up',
        amount: 100_000,
        at: '2026-01-02T02:00:00.000Z',
        description: 'Top-up',
      },
      {
        tenantId: 'acme',
        key: 'call#x1',
        kind: 'call',
        amount: -3_000,
        at: '2026-01-05T02:00:00.000Z',
        description: 'call',
        number: '4008000001',
      },
    ]);
    await seedContracts([
      {
        tenantId: 'acme',
        number: '4008000001',
        serviceFrom: '2025-06-01',
        termEnd: '2026-06-01',
        valueAdded: [{ code: 'recording', monthlyFee: 1_000 }],
      },
      { tenantId: 'acme', number: '4008000002', serviceFrom: '2026-01-16', termEnd: '2027-01-16' },
      {
        tenantId: 'acme',
        number: '4008000003',
        serviceFrom: '2025-01-01',
        termEnd: '2026-01-01',
        termStart: '2025-01-01',
        suspensions: [{ from: '2025-12-01' }],
      },
      {
        tenantId: 'beta',
        number: '4007000001',
        serviceFrom: '2025-01-01',
        termEnd: '2027-01-01',
        minimumSpend: 0,
      },
      { tenantId: 'beta', number: '4007000009', serviceFrom: '2026-03-01', termEnd: '2027-03-01' },
    ]);
    await billingStores.incidents.create({
      incidentId: 'inc-1',
      startAt: '2026-01-20T01:00:00.000Z',
      endAt: '2026-01-20T04:00:00.000Z',
      numbers: ['4007000001'],
      description: 'carrier trunk down',
      recordedAt: '2026-01-20T05:00:00.000Z',
      recordedBy: 'op',
    });

    const first = await runMonthlyBilling(FEB_RUN);
    expect(first).toMatchObject({
      month: '2026-01',
      status: 'started',
      contracts: 4,
      tenants: 2,
      completed: true,
    });

    const acme = Object.fromEntries((await ledgerOf('acme')).map((e) => [e.key, e.amount]));
    expect(acme).toMatchObject({
      'acme#4008000001#2026-01#monthly_rent': -20_000,
      'acme#4008000001#2026-01#value_added': -1_000,
      'acme#4008000001#2026-01#minimum_spend': -7_000,
      'acme#4008000002#2026-01#monthly_rent': -10_323, // 16 of 31 days
      'acme#4008000002#2026-01#minimum_spend': -5_161,
      'acme#4008000003#2026-01#retention_fee': -1_500,
    });
    expect(Object.keys(acme).filter((k) => k.startsWith('acme#4008000003#2026-01#'))).toEqual([
      'acme#4008000003#2026-01#retention_fee',
    ]);
    const beta = Object.fromEntries((await ledgerOf('beta')).map((e) => [e.key, e.amount]));
    expect(beta).toEqual({
      'beta#4007000001#2026-01#monthly_rent': -20_000,
      'beta#4007000001#2026-01#sla_credit': 645,
    });

    const statement = await billingStores.statements.get('acme', '2026-01');
    expect(statement).toBeDefined();
    const ledgerSum = (await ledgerOf('acme')).reduce((s, e) => s + e.amount, 0);
    expect(statement?.openingBalance).toBe(0);
    expect(statement?.closingBalance).toBe(ledgerSum);
    expect(statement?.closingBalance).toBe(await accountBalance('acme'));
    expect(statement?.lines.reduce((s, l) => s + l.amount, 0)).toBe(statement?.closingBalance);
    expect(statement?.usage).toEqual([{ number: '4008000001', calls: 1, billedSeconds: 0, charges: 3_000 }]);

    expect(published.filter((n) => n.dedupeKey === 'statement#acme#2026-01')).toHaveLength(1);
    expect(published.find((n) => n.dedupeKey === 'statement#acme#2026-01')?.kind).toBe('statement_ready');
    const run = await billingStores.runs.read('billing-monthly', '2026-01');
    expect(run).toMatchObject({
      phase: 'complete',
      batchesTotal: 1,
      batchesDone: 1,
      contractsBilled: 4,
      statementsWritten: 2,
    });
  });

  it('changes nothing when run again, or as two copies at once', async () => {
    const before = {
      acme: await ledgerOf('acme'),
      beta: await ledgerOf('beta'),
      st: await billingStores.statements.get('acme', '2026-01'),
    };
    const again = await runMonthlyBilling(FEB_RUN);
    expect(again.status).toBe('skipped');
    const both = await Promise.all([runMonthlyBilling(MAR_RUN), runMonthlyBilling(MAR_RUN)]);
    expect(both.map((r) => r.status).sort()).toEqual(['skipped', 'started']);
    const afterFeb = { acme: await ledgerOf('acme'), beta: await ledgerOf('beta') };
    await runMonthlyBilling(MAR_RUN);
    expect(await ledgerOf('acme')).toEqual(afterFeb.acme);
    expect(await ledgerOf('beta')).toEqual(afterFeb.beta);
    expect(await billingStores.statements.get('acme', '2026-01')).toEqual(before.st);
    expect(published.filter((n) => n.dedupeKey === 'statement#acme#2026-01')).toHaveLength(1);
    const feb = await billingStores.statements.get('acme', '2026-02');
    expect(feb?.openingBalance).toBe(before.st?.closingBalance);
    expect(feb?.closingBalance).toBe(await accountBalance('acme'));
  });

  it('retries a worker killed mid-batch to completion with no double charge and no missed contract', async () => {
    await seedContracts(
      // Four tenants of three numbers each, with a feature: six entries a tenant.
      Array.from({ length: 12 }, (_, i) => ({
        tenantId: `t${String(i % 4).padStart(2, '0')}`,
        number: `40090000${String(i).padStart(2, '0')}`,
        serviceFrom: '2025-01-01',
        termEnd: '2027-01-01',
        minimumSpend: 0,
        valueAdded: [{ code: 'ivr', monthlyFee: 500 }],
      })),
    );
    const real = ledger();
    let killedWith = 0;
    // Tenant t00's first posting writes half its entries (one at a time), then the worker "dies".
    const flaky: LedgerPort = {
      async post(entries) {
        if (killedWith === 0 && entries[0]?.tenantId === 't00') {
          killedWith = entries.length;
          for (const entry of entries.slice(0, 3)) await real.post([entry]);
          throw new Error('worker killed');
        }
        return real.post(entries);
      },
    };
    useBillingLedger(flaky);
    const redeliveredBefore = queue.stats.redelivered;
    const result = await runMonthlyBilling('2026-03-31T16:10:00.000Z');
    expect(result).toMatchObject({ month: '2026-03', status: 'started', completed: true });
    expect(killedWith).toBe(6);
    expect(queue.stats.redelivered).toBe(redeliveredBefore + 1);
    expect(queue.deadLetters).toEqual([]);
    for (let i = 0; i < 4; i++) {
      const tenant = `t${String(i).padStart(2, '0')}`;
      const entries = await ledgerOf(tenant);
      const march = entries.filter((e) => e.key.includes('#2026-03#'));
      expect(march.map((e) => e.amount).sort()).toEqual([-20_000, -20_000, -20_000, -500, -500, -500]);
      expect(new Set(march.map((e) => e.key)).size).toBe(6);
      // The account moved once per entry: its balance is the entries' sum.
      expect(await accountBalance(tenant)).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
      expect((await billingStores.statements.get(tenant, '2026-03'))?.closingBalance).toBe(
        entries.reduce((s, e) => s + e.amount, 0),
      );
    }
    const run = await billingStores.runs.read('billing-monthly', '2026-03');
    expect(run).toMatchObject({ phase: 'complete', failures: 1 });
    expect(run?.contractsBilled).toBe(run?.contractsTotal);
  });

  it('carries a call recorded after its month was stated into the next statement, so the chain still adds up', async () => {
    // A contact record for a January call arrives after January's statement (and February's run).
    await ledger().post([
      {
        tenantId: 'acme',
        key: 'call#late',
        kind: 'call',
        amount: -777,
        at: '2026-01-31T15:00:00.000Z',
        description: 'late call',
        number: '4008000001',
      },
    ]);
    await runMonthlyBilling('2026-04-30T16:10:00.000Z'); // bills April: February's late entries would be looked for, none
    const january = await billingStores.statements.get('acme', '2026-01');
    expect(january?.lines.some((l) => l.kind === 'late_entries')).toBe(false);
    // Simulate the same for the latest stated month: a call dated in April recorded after April's statement.
    await ledger().post([
      {
        tenantId: 'acme',
        key: 'call#late-april',
        kind: 'call',
        amount: -555,
        at: '2026-04-30T10:00:00.000Z',
        description: 'late call',
        number: '4008000001',
      },
    ]);
    await runMonthlyBilling('2026-05-31T16:10:00.000Z');
    const may = await billingStores.statements.get('acme', '2026-05');
    expect(may?.lines.find((l) => l.kind === 'late_entries')).toMatchObject({
      amount: -555,
      description: 'Entries dated 2026-04 recorded after its statement',
    });
    // Everything but the January straggler (older than one month back) is in the chain.
    const ledgerSum = (await ledgerOf('acme')).reduce((sum, e) => sum + e.amount, 0);
    expect(may?.closingBalance).toBe(ledgerSum - -777);
  });

  it('charges once when the same batch is delivered to two workers at once', async () => {
    const { planBatches } = await import('../../shared/domain/billing/run.js');
    const { handler: worker } = await import('../../functions/jobs/billing-worker.js');
    const contracts = (await billingStores.contracts.all('Asia/Shanghai')).filter((c) =>
      c.tenantId.startsWith('t0'),
    );
    const [batch] = planBatches('2026-06', contracts);
    const record = (id: string) => ({ messageId: id, body: JSON.stringify(batch) }) as never;
    const results = await Promise.all([
      worker({ Records: [record('a')] }, {} as never),
      worker({ Records: [record('b')] }, {} as never),
    ]);
    const failedAtFirst = results.flatMap((r) => r.batchItemFailures).length;
    // A loser of the race on an account is redelivered, and then finds everything done.
    if (failedAtFirst > 0) await worker({ Records: [record('c')] }, {} as never);
    for (const tenant of ['t00', 't01', 't02', 't03']) {
      const june = (await ledgerOf(tenant)).filter((e) => e.key.includes('#2026-06#'));
      expect(june).toHaveLength(6);
      const statement = await billingStores.statements.get(tenant, '2026-06');
      expect(statement?.closingBalance).toBe(await accountBalance(tenant));
    }
  });

  it('retries a worker killed mid-batch of a multi-tenant posting to completion, charging each entry once', async () => {
    // June to August were never run (June's batch above went straight to the workers): August's run
    // catches them up first, so September's run below bills September alone.
    const august = await runMonthlyBilling('2026-08-31T16:10:00.000Z');
    expect(august.caughtUp.map((r) => r.month)).toEqual(['2026-06', '2026-07']);
    await seedContracts(
      // Four tenants of three numbers each, with a feature: six entries a tenant.
      Array.from({ length: 12 }, (_, i) => ({
        tenantId: `m${String(i % 4).padStart(2, '0')}`,
        number: `40091000${String(i).padStart(2, '0')}`,
        serviceFrom: '2025-01-01',
        termEnd: '2027-01-01',
        minimumSpend: 0,
        valueAdded: [{ code: 'ivr', monthlyFee: 500 }],
      })),
    );
    const real = ledger();
    let killedWith = 0;
    // The batch's first multi-tenant posting writes m00's first three entries and m02's first one, then the
    // worker "dies"; the redelivery goes through postMany again (its transactions meet the posted keys).
    const flaky: LedgerPort = {
      post: (entries) => real.post(entries),
      async postMany(entries) {
        if (killedWith === 0) {
          const t00 = entries.filter((e) => e.tenantId === 'm00');
          killedWith = t00.length;
          for (const entry of t00.slice(0, 3)) await real.post([entry]);
          await real.post(entries.filter((e) => e.tenantId === 'm02').slice(0, 1));
          throw new Error('worker killed');
        }
        return (real.postMany as NonNullable<LedgerPort['postMany']>).call(real, entries);
      },
    };
    useBillingLedger(flaky);
    const redeliveredBefore = queue.stats.redelivered;
    const result = await runMonthlyBilling('2026-09-30T16:10:00.000Z');
    expect(result).toMatchObject({ month: '2026-09', status: 'started', completed: true });
    expect(killedWith).toBe(6);
    expect(queue.stats.redelivered).toBe(redeliveredBefore + 1);
    expect(queue.deadLetters).toEqual([]);
    for (let i = 0; i < 4; i++) {
      const tenant = `m${String(i).padStart(2, '0')}`;
      const entries = await ledgerOf(tenant);
      const september = entries.filter((e) => e.key.includes('#2026-09#'));
      expect(september.map((e) => e.amount).sort()).toEqual([-20_000, -20_000, -20_000, -500, -500, -500]);
      expect(new Set(september.map((e) => e.key)).size).toBe(6);
      // The account moved once per entry: its balance is the entries' sum.
      expect(await accountBalance(tenant)).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
      expect((await billingStores.statements.get(tenant, '2026-09'))?.closingBalance).toBe(
        entries.reduce((s, e) => s + e.amount, 0),
      );
    }
    const run = await billingStores.runs.read('billing-monthly', '2026-09');
    expect(run).toMatchObject({ phase: 'complete', failures: 1 });
    expect(run?.contractsBilled).toBe(run?.contractsTotal);
  });
});
