/**
 * The ingest benchmark's Lambda stand-in: a process of its own running ctr-ingest bundled as deployed
 * (bench/money.ts builds and forks it). The benchmark's own modules (tsx, SDK clients for set-up, test
 * fixtures) then neither share its heap nor its garbage collections, and what is measured is the handler's
 * CPU alone, as in a Lambda container.
 *
 * Protocol (IPC): the parent sends { type: 'batch', payload } with the event as JSON text, which is parsed
 * here as the Lambda runtime parses an invocation; the answer is the handler's CPU for that batch.
 * { type: 'profile', action: 'start' | 'stop' } brackets the measured batches for BENCH_PROFILE and
 * BENCH_HEAP_PROFILE.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { processContactRecords } from '../functions/streams/ctr-ingest.js';
import { mainThreadCpuMs, startProfiler } from './profile.js';

export interface HostBatch {
  readonly type: 'batch';
  readonly payload: string;
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

async function runBatch(payload: string): Promise<HostResult> {
  // Marks each batch in diagnostic output (BENCH_HOST_NODE_FLAGS="--trace-gc", "--trace-opt", …).
  if (process.env.BENCH_HOST_MARKS) console.log(`BATCH ${batches++}`);
  const event = JSON.parse(payload) as KinesisStreamEvent;
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
    if (message.type === 'batch') return runBatch(message.payload);
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
