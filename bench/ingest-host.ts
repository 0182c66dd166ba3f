/**
 * The ingest benchmark's Lambda stand-in: a process of its own running ctr-ingest bundled as deployed
 * (bench/money.ts builds and forks it). The benchmark's own modules (tsx, SDK clients for set-up, test
 * fixtures) then neither share its heap nor its garbage collections, and what is measured is the handler's
 * CPU alone, as in a Lambda container.
 *
 * Protocol (IPC, structured clone): the parent sends { type: 'batch', event }; the answer is the handler's
 * CPU for that batch. The event arrives as plain objects and strings, as the Lambda runtime's parse of an
 * invocation gives them (JSON text through the IPC channel was twice the event's size in garbage).
 * { type: 'profile', action: 'start' | 'stop' } brackets the measured batches for BENCH_PROFILE and
 * BENCH_HEAP_PROFILE.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { processContactRecords } from '../functions/streams/ctr-ingest.js';
import { mainThreadCpuMs, startProfiler } from './profile.js';

export interface HostBatch {
  readonly type: 'batch';
  readonly event: KinesisStreamEvent;
}
export interface HostProfile {
  readonly type: 'profile';
  readonly action: 'start' | 'stop';
}
export interface HostResult {
  readonly type: 'result';
  /** Process CPU (all threads: the handler plus V8's compilation and GC helpers), µs. */
  readonly cpuUs: number;
  readonly systemUs: number;
  /** The main thread alone, ms (undefined off Linux). */
  readonly mainMs: number | undefined;
  readonly seconds: number;
  readonly failures: number;
  readonly error?: string;
}

let profiler: { stop(): Promise<void> } | undefined;

let batches = 0;

async function runBatch(event: KinesisStreamEvent): Promise<HostResult> {
  // Marks each batch in diagnostic output (BENCH_HOST_NODE_FLAGS="--trace-gc", "--trace-opt", …).
  if (process.env.BENCH_HOST_MARKS) console.log(`BATCH ${batches++}`);
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpuMs();
  const started = performance.now();
  const result = await processContactRecords(event);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const mainEnd = mainThreadCpuMs();
  return {
    type: 'result',
    cpuUs: cpu.user + cpu.system,
    systemUs: cpu.system,
    mainMs: mainStart === undefined || mainEnd === undefined ? undefined : mainEnd - mainStart,
    seconds,
    failures: result.batchItemFailures.length,
  };
}

process.on('message', (message: HostBatch | HostProfile) => {
  const done = (async (): Promise<HostResult | { type: 'ok' }> => {
    if (message.type === 'batch') return runBatch(message.event);
    if (message.action === 'start') profiler = await startProfiler();
    else await profiler?.stop();
    return { type: 'ok' };
  })();
  done.then(
    (answer) => process.send?.(answer),
    (error: Error) => process.send?.({ type: 'error', error: error.stack ?? String(error) }),
  );
});
process.send?.({ type: 'ready' });
