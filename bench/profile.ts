/** Optional CPU profiles of a benchmark's measured part (inspect with Chrome DevTools or speedscope). */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
/**
 * BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of the measured part only (for DevTools).
 * BENCH_HEAP_PROFILE=<file.heapprofile>: a sampling profile of what the measured part allocated, garbage
 * included (allocation drives the scavenges and the GC threads' CPU).
 */
export async function startProfiler(): Promise<{ stop(): Promise<void> } | undefined> {
  const cpuFile = process.env.BENCH_PROFILE;
  const heapFile = process.env.BENCH_HEAP_PROFILE;
  if (!cpuFile && !heapFile) return undefined;
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  if (cpuFile) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (heapFile) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  return {
    async stop() {
      if (cpuFile) {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(cpuFile, JSON.stringify(profile));
      }
      if (heapFile) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        await writeFile(heapFile, JSON.stringify(profile));
      }
      session.disconnect();
    },
  };
}

/**
 * CPU milliseconds (user + system) of the main thread alone, from Linux's /proc; undefined elsewhere.
 * Process CPU also counts V8's background threads (concurrent compilation and GC), about as much again
 * for the ingest benchmark: both figures are reported.
 */
export function mainThreadCpuMs(): number | undefined {
  return procCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/** CPU milliseconds another process (all its threads) has used, from Linux's /proc; undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  return procCpuMs(`/proc/${pid}/stat`);
}

function procCpuMs(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** A full garbage collection now (benchmarks call it before measuring, so setup's garbage is not counted). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
