/**
 * Calls-and-money benchmark against the local engine in a separate process (its CPU is not ours).
 *  - the engine's own ceiling: conditional single-item puts per second, measured in the same run;
 *  - ingest: batches of 1,000 contact records over 100 accounts through the real ctr-ingest handler —
 *    database requests and items written per record (engine counters), our CPU per record;
 *  - a hot account: 2,000 records of one number in one batch — how often its balance item is written;
 *  - rating alone: records per second on one core.
 */
import { fork, type Serializable } from 'node:child_process';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createTables } from '../infra/local/bootstrap.js';
import { startEngineProcess } from '../infra/local/engine-process.js';
import { dynamo, setDynamo } from '../shared/adapters/dynamo/client.js';
import { tableName } from '../shared/config.js';
import { DEFAULT_TARIFF } from '../shared/domain/rating/default-tariff.js';
import { type RatingInput, rateCall } from '../shared/domain/rating/rate-call.js';
import { TariffBook } from '../shared/domain/rating/tariff.js';
import { usePorts } from '../shared/runtime/ports.js';
import { answeredCall, bindNumbers, topUp } from '../test/integration/ingest-fixtures.js';
import { bundleLikeLambda, ROOT } from './bundle.js';
import type { HostResult } from './ingest-host.js';
import { processCpuMs } from './profile.js';

const BATCH = 1_000;
const ACCOUNTS = 100;
const BATCHES = Number(process.env.BENCH_MONEY_BATCHES ?? 10);
// Batches run before measuring. A Lambda container on a busy stream charges thousands of batches, so V8's
// compilation of the hot paths is warm-up. Functions that run once per account or per batch become hot
// slowly: after 10 batches TurboFan was still compiling them (~30 ms of background CPU per batch, a third
// of the figure), after 30 about a third of that. The steady state is measured after 40 batches; the
// first batch, and the mean over the warm-up, are reported on their own.
const WARMUP_BATCHES = Math.max(1, Number(process.env.BENCH_MONEY_WARMUP ?? 40));
const HOT_RECORDS = 2_000;

// Loops, not callbacks: V8 recompiles a closure made per batch after each full GC, and that background
// compilation would land inside the measured handler's CPU.
function kinesisEvent(records: readonly unknown[], base: number): KinesisStreamEvent {
  const Records = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as { ContactId: string };
    Records.push({
      kinesis: {
        sequenceNumber: String(base + i),
        partitionKey: String(r.ContactId),
        data: Buffer.from(JSON.stringify(r)).toString('base64'),
      },
    });
  }
  return { Records } as unknown as KinesisStreamEvent;
}

/** Forks the ingest host (bench/ingest-host.ts, bundled like the Lambda) with this process's environment. */
async function startIngestHost() {
  const bundle = await bundleLikeLambda('bench/ingest-host.ts', 'ingest-host');
  const child = fork(bundle, [], {
    // Diagnostics only, e.g. BENCH_HOST_NODE_FLAGS="--trace-gc --trace-opt" (V8 flags NODE_OPTIONS refuses).
    execArgv: (process.env.BENCH_HOST_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    env: { ...process.env, GEO_INDEX_PATH: join(ROOT, 'shared/geo/data/cn-geo.bin') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let waiting: { resolve(answer: unknown): void; reject(error: Error): void } | undefined;
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      waiting = { resolve, reject };
    });
  child.on('message', (answer: { type: string; error?: string }) => {
    const w = waiting;
    waiting = undefined;
    if (answer.type === 'error') w?.reject(new Error(`ingest host: ${answer.error}`));
    else w?.resolve(answer);
  });
  child.on('exit', (code) => waiting?.reject(new Error(`ingest host exited (code ${code})`)));
  await next(); // ready
  const ask = (message: unknown) => {
    const answer = next();
    child.send(message as Serializable);
    return answer;
  };
  return {
    batch: (event: KinesisStreamEvent) => ask({ type: 'batch', event }) as Promise<HostResult>,
    profile: (action: 'start' | 'stop') => ask({ type: 'profile', action }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

function ratingThroughput(): number {
  const book = new TariffBook(DEFAULT_TARIFF);
  const plan = book.plan('4008', 'payg');
  const inputs: RatingInput[] = Array.from({ length: 1024 }, (_, i) => {
    const answered = Date.parse('2026-11-24T00:00:00Z') + i * 397_000;
    return {
      answeredAtMs: answered,
      endedAtMs: answered + (20 + ((i * 37) % 400)) * 1000,
      local: i % 3 === 0,
      recordingSeconds: i % 5 ? 0 : 60,
      ivr: i % 2 === 0,
      includedSecondsLeft: i % 7 ? 0 : 120,
    };
  });
  let sink = 0;
  for (let i = 0; i < 200_000; i++)
    sink += rateCall(plan, 'Asia/Shanghai', inputs[i & 1023] as RatingInput).amount;
  const n = 3_000_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) sink += rateCall(plan, 'Asia/Shanghai', inputs[i & 1023] as RatingInput).amount;
  const seconds = (performance.now() - started) / 1000;
  if (sink < 0) console.log(sink);
  return Math.round(n / seconds);
}

export async function run(): Promise<Record<string, number>> {
  const engine = await startEngineProcess();
  try {
    // Another bench in this process may have fixed the table names already (they are read once).
    const prefix = process.env.TABLE_LEDGER?.replace(/ledger$/, '') ?? 'bench-money-';
    Object.assign(process.env, {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      TABLE_NUMBERS: `${prefix}numbers`,
      TABLE_ROUTING: `${prefix}routing`,
      TABLE_LEDGER: `${prefix}ledger`,
      TABLE_OPS: `${prefix}ops`,
    });
    setDynamo(undefined);
    const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'local' });
    await createTables(client, prefix);
    client.destroy();
    usePorts({ notifications: { publish: async (n) => ({ messageId: n.dedupeKey }) } });
    // In this process only for the hot-account count (its writes are counted on an injected SDK client).
    const { processContactRecords } = await import('../functions/streams/ctr-ingest.js');

    // The engine's ceiling: conditional single-item puts, 8 in flight.
    const puts = 2_000;
    let next = 0;
    const putStarted = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < puts) {
          const i = next++;
          await dynamo().send(
            new PutCommand({
              TableName: tableName('ops'),
              Item: { pk: `BENCH#${i}`, sk: 'X', n: i },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        }
      }),
    );
    const conditionalPutsPerSec = Math.round(puts / ((performance.now() - putStarted) / 1000));

    const lines = Array.from({ length: ACCOUNTS }, (_, i) => ({
      tenantId: `bench-${i}`,
      number400: `4008${String(500_000 + i)}`,
      accessNumber: `+65${String(60_000_000 + i)}`,
    }));
    await bindNumbers([
      ...lines,
      { tenantId: 'bench-hot', number400: '4008999999', accessNumber: '+6569999999' },
    ]);
    for (const l of lines) await topUp(l.tenantId, 100_000_000);
    await topUp('bench-hot', 100_000_000);

    // Calls of an hour ago: a record starting in the future, or of a month closed beyond the correction
    // window, would be parked rather than charged (shared/domain/calls/time-bounds.ts).
    const answeredAt = new Date(Date.now() - 3_600_000).toISOString();
    // A batch's records exist only while its event is built: a Lambda holds one batch, and a heap holding
    // every batch's objects would bill ingest for marking them in each major GC.
    const eventOf = (b: number) => {
      const records = [];
      for (let i = 0; i < BATCH; i++)
        records.push(
          answeredCall(lines[i % ACCOUNTS]?.accessNumber ?? '', {
            contactId: `bench-${b}-${i}`,
            answeredAt,
            seconds: 30 + ((i * 13) % 600),
          }),
        );
      return kinesisEvent(records, b * BATCH);
    };
    // The handler runs in a Lambda stand-in process of its own, from the bundle (bench/ingest-host.ts),
    // so this process's modules and garbage are not in its heap. The first batches warm up (JIT,
    // connections, geo index); the very first one is what a new container pays once, reported on its own.
    const host = await startIngestHost();
    let firstBatchCpuUs = 0;
    let warmupCpuUs = 0;
    let failures = 0;
    // Each batch's event is built while the host runs the one before (Kinesis hands events over already
    // encoded), and sent as soon as it answers: a busy stream keeps its Lambda busy, and a host left idle
    // between batches had V8's memory reducer start extra full collections, marking during the next one.
    let event = eventOf(0);
    for (let b = 0; b < WARMUP_BATCHES; b++) {
      const running = host.batch(event);
      event = eventOf(b + 1);
      const used = await running;
      warmupCpuUs += used.cpuUs;
      failures += used.failures;
      if (b === 0) firstBatchCpuUs = used.cpuUs;
    }
    await engine.resetStats();
    // The host's heap holds one batch at a time, as a Lambda's does; the clock runs only inside the handler.
    await host.profile('start');
    let cpuUs = 0;
    let systemUs = 0;
    let mainMs = 0;
    let engineMs = 0;
    let seconds = 0;
    for (let b = 0; b < BATCHES; b++) {
      const engineStart = processCpuMs(engine.pid) ?? Number.NaN;
      const running = host.batch(event);
      event = eventOf(WARMUP_BATCHES + b + 1);
      const used = await running;
      engineMs += (processCpuMs(engine.pid) ?? Number.NaN) - engineStart;
      seconds += used.seconds;
      mainMs += used.mainMs ?? Number.NaN;
      cpuUs += used.cpuUs;
      systemUs += used.systemUs;
      failures += used.failures;
    }
    await host.profile('stop');
    await host.stop();
    const stats = await engine.stats();
    const records = BATCHES * BATCH;

    // Hot account: count the account-item writes the batch's transactions carry.
    let hotAccountWrites = 0;
    // Counted on an injected document client (every DynamoDB request goes through dynamo()).
    const counting = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: engine.endpoint, region: 'local' }),
    );
    setDynamo(counting);
    counting.middlewareStack.add(
      (nextHandler) => async (args) => {
        const items =
          (args.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ??
          [];
        for (const t of items)
          if (t.Put?.Item?.pk === 'ACCT#bench-hot' && t.Put?.Item?.sk === 'ACCOUNT') hotAccountWrites++;
        return nextHandler(args);
      },
      { step: 'initialize', name: 'countHotAccountWrites' },
    );
    const hot = Array.from({ length: HOT_RECORDS }, (_, i) =>
      answeredCall('+6569999999', { contactId: `hot-${i}`, answeredAt, seconds: 40 + (i % 300) }),
    );
    const hotEvent = kinesisEvent(hot, 10_000_000);
    const hotResult = await processContactRecords(hotEvent);
    setDynamo(undefined);
    counting.destroy();
    failures += hotResult.batchItemFailures.length;

    return {
      'ingest.records': records,
      'ingest.recordsPerSec': Math.round(records / seconds),
      'engine.conditionalPutsPerSec': conditionalPutsPerSec,
      'ingest.roundTripsPerRecord': Number((stats.totalRequests / records).toFixed(4)),
      'ingest.writesPerRecord': Number((stats.itemsWritten / records).toFixed(4)),
      'ingest.cpuUsPerRecord': Math.round(cpuUs / records),
      'ingest.firstBatchCpuUsPerRecord': Math.round(firstBatchCpuUs / BATCH),
      'ingest.warmupCpuUsPerRecord': Math.round(warmupCpuUs / (WARMUP_BATCHES * BATCH)),
      'ingest.warmupRecords': WARMUP_BATCHES * BATCH,
      // Kernel time (socket I/O to the engine) inside the figure above.
      'ingest.cpuSystemUsPerRecord': Math.round(systemUs / records),
      // The main thread alone (our JavaScript); the figure above adds V8's background compilation and GC.
      ...(Number.isFinite(mainMs)
        ? { 'ingest.mainThreadCpuUsPerRecord': Math.round((mainMs * 1000) / records) }
        : {}),
      // The local engine's own CPU for the same records (not ours; beside ours, it shows how fast this
      // machine ran during the measurement: both move together when the host is busy).
      ...(Number.isFinite(engineMs)
        ? { 'engine.cpuUsPerRecord': Math.round((engineMs * 1000) / records) }
        : {}),
      'ingest.hotAccountBalanceWrites': hotAccountWrites,
      'ingest.failures': failures,
      'rating.recordsPerSec': ratingThroughput(),
    };
  } finally {
    setDynamo(undefined);
    await engine.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
