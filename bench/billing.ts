/**
 * Monthly billing at scale against the local engine in a separate process (its CPU is not ours):
 * 100,000 contracts (BENCH_BILLING_CONTRACTS) over tenants of BENCH_BILLING_PER_TENANT contracts each,
 * billed through the real scheduler → in-process queue → worker → ledger store → statements path.
 * Reports database requests and ledger writes per contract, our CPU per contract, wall time, and what a
 * second run of the same month charges (it must be 0).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, tableEnvironment } from '../infra/local/bootstrap.js';
import { startEngineProcess } from '../infra/local/engine-process.js';
import { setDynamo } from '../shared/adapters/dynamo/client.js';
import { useBillingQueue } from '../shared/adapters/sqs/billing-queue.js';
import { inProcessQueue, type WorkerHandler } from '../shared/adapters/sqs/in-process-queue.js';
import { tableName } from '../shared/config.js';
import { MONTHLY_JOB } from '../shared/domain/billing/run.js';
import type { LedgerPort } from '../shared/domain/ledger/types.js';
import { logger } from '../shared/observability.js';
import { billingStores } from '../shared/runtime/billing.js';
import { useBillingLedger } from '../shared/runtime/billing-jobs.js';
import { usePorts } from '../shared/runtime/ports.js';
import { type ContractSeed, putInLanes, seedContracts } from '../test/support/billing-fixtures.js';
import { collectGarbage, mainThreadCpuMs, startProfiler } from './profile.js';

const CONTRACTS = Number(process.env.BENCH_BILLING_CONTRACTS ?? 100_000);
const PER_TENANT = Number(process.env.BENCH_BILLING_PER_TENANT ?? 20);
// Workers at once (Lambda would run many; the engine behind them is one process).
const CONCURRENCY = Number(process.env.BENCH_BILLING_CONCURRENCY ?? 8);
// 2026-03-01 00:10 Shanghai: bills February 2026.
const RUN_AT = '2026-02-28T16:10:00.000Z';

export async function run(): Promise<Record<string, number>> {
  const engine = await startEngineProcess();
  try {
    Object.assign(process.env, {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...tableEnvironment('bench-billing-'),
    });
    // The logger was built at import, before the level above: one line per batch would time the terminal.
    logger.setLogLevel('ERROR');
    setDynamo(undefined);
    const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'local' });
    await createTables(client, 'bench-billing-');
    client.destroy();
    usePorts({ notifications: { publish: async (n) => ({ messageId: n.dedupeKey }) } });

    const seeds: ContractSeed[] = [];
    for (let i = 0; i < CONTRACTS; i++) {
      seeds.push({
        tenantId: `bt${String(Math.floor(i / PER_TENANT)).padStart(6, '0')}`,
        number: `400${String(1_000_000 + i).padStart(7, '0')}`,
        serviceFrom: i % 10 === 0 ? '2026-02-10' : '2025-06-01',
        termEnd: '2027-06-01',
        minimumSpend: i % 3 === 0 ? 10_000 : 0,
        valueAdded: i % 4 === 0 ? [{ code: 'recording', monthlyFee: 2_000 }] : [],
      });
    }
    const seedStarted = performance.now();
    await seedContracts(seeds);
    // Steady state: every tenant has a funded account and last month's statement (its opening balance).
    const tenants = [...new Set(seeds.map((s) => s.tenantId))];
    await putInLanes(
      tableName('ledger'),
      tenants.flatMap((t) => [
        {
          pk: `ACCT#${t}`,
          sk: 'ACCOUNT',
          type: 'account',
          tenantId: t,
          balance: 10_000_000,
          owed: 0,
          version: 1,
          status: 'active',
          spendDay: '2026-02-01',
          spendToday: 0,
          lowBalanceThreshold: 5_000,
          alertEmails: [],
          alertPhones: [],
          lowBalanceAlerted: false,
          includedSecondsUsed: 0,
        },
        {
          pk: `ACCT#${t}`,
          sk: 'STATEMENT#2026-01',
          type: 'statement',
          tenantId: t,
          month: '2026-01',
          openingBalance: 10_000_000,
          closingBalance: 10_000_000,
          totalDebits: 0,
          totalCredits: 0,
          entryCount: 0,
          lines: [],
          usage: [],
        },
      ]),
    );
    // The opening balance is the account's: one entry that explains it, before the month.
    await putInLanes(
      tableName('ledger'),
      tenants.map((t) => ({
        pk: `ACCT#${t}`,
        sk: 'LEDGER#topup#seed',
        type: 'ledger_entry',
        tenantId: t,
        key: 'topup#seed',
        kind: 'top_up',
        amount: 10_000_000,
        at: '2026-01-05T00:00:00.000Z',
        description: 'seed',
        gsi1pk: `ACCT#${t}`,
        gsi1sk: '2026-01-05T00:00:00.000Z#topup#seed',
      })),
    );
    const seedSec = (performance.now() - seedStarted) / 1000;

    const { ledger } = await import('../shared/runtime/ledger.js');
    const real = ledger();
    let applied = 0;
    const counting: LedgerPort = {
      async post(entries) {
        const result = await real.post(entries);
        applied += result.applied.length;
        return result;
      },
      async postMany(entries) {
        const outcomes = await (real.postMany?.(entries) ?? Promise.reject(new Error('no postMany')));
        for (const o of outcomes.values()) if (o.ok) applied += o.result.applied.length;
        return outcomes;
      },
    };
    useBillingLedger(counting);
    const { handler: worker } = await import('../functions/jobs/billing-worker.js');
    const workers = inProcessQueue(
      async () => worker as unknown as WorkerHandler,
      {},
      { concurrency: CONCURRENCY },
    );
    // In AWS the scheduler and the workers are different Lambdas: the scheduler's messages wait in SQS
    // (here, as the JSON SQS would hold) and the workers run after, without the scheduler's heap around.
    const queued: string[] = [];
    useBillingQueue({
      async send(messages) {
        for (const message of messages) queued.push(JSON.stringify(message));
      },
    });
    const drainQueue = async () => {
      while (queued.length > 0)
        await workers.send(queued.splice(0, CONCURRENCY * 4).map((body) => JSON.parse(body)));
    };
    const { handler: monthly } = await import('../functions/jobs/billing-monthly.js');
    const runComplete = async () =>
      (await billingStores.runs.read(MONTHLY_JOB, '2026-02'))?.phase === 'complete';

    await engine.resetStats();
    // Seeding's garbage is collected before the clock starts, not billed to the run.
    collectGarbage();
    const profiler = await startProfiler();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const t0 = performance.now();
    const first = await monthly({ at: RUN_AT }, {} as never);
    await drainQueue();
    const wallSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const main1 = mainThreadCpuMs();
    await profiler?.stop();
    const stats = await engine.stats();
    if (!(await runComplete())) throw new Error(`run did not complete: ${JSON.stringify(first)}`);
    const firstApplied = applied;

    // A second run of the same month, forced past the completed run record: every batch is re-processed.
    await (await import('../shared/adapters/dynamo/client.js')).dynamo().send(
      new DeleteCommand({
        TableName: tableName('ops'),
        Key: { pk: 'RUN#billing-monthly#2026-02', sk: 'RUN' },
      }),
    );
    applied = 0;
    await engine.resetStats();
    const t1 = performance.now();
    await monthly({ at: RUN_AT }, {} as never);
    await drainQueue();
    const rerunWallSec = (performance.now() - t1) / 1000;
    const rerunStats = await engine.stats();

    useBillingLedger(undefined);
    useBillingQueue(undefined);
    return {
      'billing.contracts': first.contracts,
      'billing.tenants': first.tenants,
      'billing.seedSec': round(seedSec),
      'billing.wallSec': round(wallSec),
      'billing.roundTripsPerContract': round(stats.totalRequests / first.contracts, 4),
      'billing.ledgerWritesPerContract': round(firstApplied / first.contracts, 4),
      'billing.itemsWrittenPerContract': round(stats.itemsWritten / first.contracts, 4),
      'billing.cpuUsPerContract': round((cpu.user + cpu.system) / first.contracts, 1),
      // The main thread alone; the figure above adds V8's background compilation and GC.
      ...(main0 !== undefined && main1 !== undefined
        ? { 'billing.mainThreadCpuUsPerContract': round(((main1 - main0) * 1000) / first.contracts, 1) }
        : {}),
      'billing.rerunCharges': applied,
      'billing.rerunWallSec': round(rerunWallSec),
      'billing.rerunRoundTripsPerContract': round(rerunStats.totalRequests / first.contracts, 4),
      'billing.rerunItemsWritten': rerunStats.itemsWritten,
    };
  } finally {
    await engine.stop();
  }
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
