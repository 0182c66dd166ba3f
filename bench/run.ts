/**
 * npm run bench: runs every area's benchmark (bench/<area>.ts exporting `run()`), prints the figures and
 * writes them, flat, to bench/results.json. Targets are judged here and in the README, never in npm test.
 * `npm run bench -- routing geo` runs only the named areas and merges their figures into the existing file.
 * Each area runs in a process of its own, so no area's heap, caches or compiled code weigh on another's
 * CPU figures (a Lambda runs one function too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Handlers under measurement should not print: their logs and metrics are not what we measure.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const AREAS = ['geo', 'routing', 'money', 'numbers', 'billing', 'bundles'] as const;
type Figures = Record<string, number>;

async function runArea(area: string): Promise<Figures | undefined> {
  const file = new URL(`./${area}.ts`, import.meta.url);
  if (!existsSync(file)) return undefined;
  const mod = (await import(file.href)) as { run?: () => Promise<Figures> };
  return typeof mod.run === 'function' ? mod.run() : undefined;
}

const areaFlag = process.argv.indexOf('--area');
if (areaFlag >= 0) {
  // A child: one area, its figures written where the parent asked.
  const [area, out] = [process.argv[areaFlag + 1] ?? '', process.argv[areaFlag + 2] ?? ''];
  const figures = await runArea(area);
  writeFileSync(out, JSON.stringify(figures ?? null));
} else {
  const only = process.argv.slice(2);
  const resultsFile = new URL('./results.json', import.meta.url);
  const previous: Record<string, number | string> =
    only.length && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const results: Record<string, number | string> = {
    ...previous,
    'meta.node': process.version,
    'meta.at': new Date().toISOString(),
  };
  const scratch = mkdtempSync(join(tmpdir(), 'hotline400-bench-'));
  try {
    for (const area of AREAS) {
      if (only.length && !only.includes(area)) continue;
      const out = join(scratch, `${area}.json`);
      const started = performance.now();
      console.log(`\n== ${area}`);
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--area', area, out],
        { stdio: 'inherit', env: process.env },
      );
      if (child.status !== 0) throw new Error(`bench ${area} failed (exit ${child.status ?? child.signal})`);
      const figures = JSON.parse(readFileSync(out, 'utf8')) as Figures | null;
      for (const [key, value] of Object.entries(figures ?? {})) {
        results[key] = value;
        console.log(`  ${key.padEnd(40)} ${value}`);
      }
      console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}
