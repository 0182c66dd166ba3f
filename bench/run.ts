/**
 * npm run bench: runs every area's benchmark (bench/<area>.ts exporting `run()`), prints the figures and
 * writes them, flat, to bench/results.json. Targets are judged here and in the README, never in npm test.
 * `npm run bench -- routing geo` runs only the named areas and merges their figures into the existing file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// Handlers under measurement should not print: their logs and metrics are not what we measure.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const AREAS = ['geo', 'routing', 'money', 'numbers', 'billing'] as const;
const only = process.argv.slice(2);
const resultsFile = new URL('./results.json', import.meta.url);
const previous: Record<string, number | string> =
  only.length && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const results: Record<string, number | string> = {
  ...previous,
  'meta.node': process.version,
  'meta.at': new Date().toISOString(),
};

for (const area of AREAS) {
  if (only.length && !only.includes(area)) continue;
  const file = new URL(`./${area}.ts`, import.meta.url);
  if (!existsSync(file)) continue;
  const started = performance.now();
  const mod = (await import(file.href)) as { run?: () => Promise<Record<string, number>> };
  if (typeof mod.run !== 'function') continue;
  console.log(`\n== ${area}`);
  const figures = await mod.run();
  for (const [key, value] of Object.entries(figures)) {
    results[key] = value;
    console.log(`  ${key.padEnd(40)} ${value}`);
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwrote bench/results.json');
