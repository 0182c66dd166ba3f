/** Optional CPU profiles of a benchmark's measured part (inspect with Chrome DevTools or speedscope). */
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
