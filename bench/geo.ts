/**
 * Caller-region lookup speed and index load time (targets: mean lookup ≤ 2 µs, load ≤ 20 ms).
 *   npx tsx bench/geo.ts     (or through npm run bench)
 * Load time is measured in fresh child processes, since this process has the index cached; it covers
 * opening the file and reading its head, not compiling the module. The first lookup after a load reads
 * the run-table pages its search touches (shared/geo/lookup.ts): geo.firstLookupMs.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GEO_INDEX_REPO_PATH } from '../shared/geo/index-file.js';
import { geoIndex, lookupRegion } from '../shared/geo/lookup.js';

const LOOKUPS = 1_000_000;
const LOAD_SAMPLES = 5;
const lookupModule = fileURLToPath(new URL('../shared/geo/lookup.ts', import.meta.url));

/** Deterministic pseudo-random numbers so runs are comparable. */
function randomNumbers(count: number): string[] {
  let seed = 20_261_125;
  const next = (limit: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return (seed >>> 8) % limit;
  };
  const digits = (length: number) => {
    let text = '';
    for (let i = 0; i < length; i++) text += String(next(10));
    return text;
  };
  const areaCodes = [
    ...new Set(
      geoIndex()
        .regions.filter((region) => region.lineType === 'fixed')
        .map((region) => region.areaCode?.slice(1) ?? ''),
    ),
  ];
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      numbers.push(`+861${3 + next(7)}${digits(9)}`);
    } else {
      const code = areaCodes[next(areaCodes.length)] ?? '10';
      numbers.push(`+86${code}${digits(code.length === 2 ? 8 : 7 + next(2))}`);
    }
  }
  return numbers;
}

function measureLookupNs(numbers: readonly string[]): number {
  let found = 0;
  for (let i = 0; i < 100_000; i++) if (lookupRegion(numbers[i] as string)) found++; // warm up the JIT
  const passes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < numbers.length; i++) if (lookupRegion(numbers[i] as string)) found++;
    passes.push(Number(process.hrtime.bigint() - started) / numbers.length);
  }
  if (found === 0) throw new Error('no number resolved: the benchmark is not measuring lookups');
  return passes.sort((a, b) => a - b)[1] as number; // median pass
}

/** Medians over fresh processes: [load, first lookup] in ms. */
function measureLoadMs(): [number, number] {
  const script = `
    const { loadGeoIndex } = await import(${JSON.stringify(pathToFileURL(lookupModule).href)});
    const started = performance.now();
    const index = loadGeoIndex();
    const loaded = performance.now();
    if (!index.lookup('+8613910001234')) throw new Error('index did not resolve a known number');
    process.stdout.write(JSON.stringify([loaded - started, performance.now() - loaded]));`;
  const loads: number[] = [];
  const firstLookups: number[] = [];
  for (let i = 0; i < LOAD_SAMPLES; i++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)), // where tsx resolves from
    });
    const [load, firstLookup] = JSON.parse(output) as [number, number];
    loads.push(load);
    firstLookups.push(firstLookup);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(LOAD_SAMPLES / 2)] as number;
  return [median(loads), median(firstLookups)];
}

export async function run(): Promise<Record<string, number>> {
  const index = geoIndex();
  const numbers = randomNumbers(LOOKUPS);
  const indexFile = fileURLToPath(new URL(`../${GEO_INDEX_REPO_PATH}`, import.meta.url));
  const [loadMs, firstLookupMs] = measureLoadMs();
  return {
    'geo.lookupNs': Math.round(measureLookupNs(numbers)),
    'geo.loadMs': Math.round(loadMs * 100) / 100,
    'geo.firstLookupMs': Math.round(firstLookupMs * 100) / 100,
    'geo.indexBytes': statSync(indexFile).size,
    'geo.runs': index.runCount,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await run());
}
