/** Optional CPU profiles of a benchmark's measured part (inspect with Chrome DevTools or speedscope). */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
/** BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of the measured part only (for DevTools). */
export async function startProfiler(): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env.BENCH_PROFILE;
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
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
