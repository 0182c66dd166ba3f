/**
 * Numbers benchmark: classifier throughput (pure CPU), and per-request DynamoDB work of the inventory
 * search and of reservations on the local engine (requests and items read per page, round trips per
 * reservation), beside wall-clock figures that only describe this machine.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, tableEnvironment } from '../infra/local/bootstrap.js';
import { startEngineProcess } from '../infra/local/engine-process.js';
import { setDynamo } from '../shared/adapters/dynamo/client.js';
import { seedNumbers } from '../shared/app/numbers/import-numbers.js';
import { reserveNumber } from '../shared/app/numbers/reserve-number.js';
import { searchAvailableNumbers } from '../shared/app/numbers/search-available-numbers.js';
import { classify } from '../shared/domain/numbers/classifier.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../shared/domain/numbers/config.js';
import { demoInventory } from '../shared/domain/numbers/seed-inventory.js';
import { numbersDeps } from '../shared/runtime/numbers.js';

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export async function run(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  // Classifier: every number of one segment's million, twice over for a stable figure.
  const started = performance.now();
  let count = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < 1_000_000; i += 7) {
      classify(`4008${String(i).padStart(6, '0')}`, config);
      count += 1;
    }
  }
  figures['numbers.classifyPerSecond'] = Math.round(count / ((performance.now() - started) / 1000));

  const engine = await startEngineProcess();
  try {
    Object.assign(process.env, {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...tableEnvironment('bench-numbers-'),
    });
    setDynamo(undefined);
    const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'local' });
    await createTables(client, 'bench-numbers-');
    client.destroy();
    const inventory = demoInventory(2_500);
    const seedStart = performance.now();
    const deps = numbersDeps({ config });
    await seedNumbers(deps, inventory, new Date().toISOString());
    figures['numbers.seedItemsPerSecond'] = Math.round(
      inventory.length / ((performance.now() - seedStart) / 1000),
    );
    const at = new Date().toISOString();

    for (const [label, query] of [
      ['firstPage', { segment: '4008' as const, limit: 20 }],
      ['commonPattern', { contains: '8', limit: 20 }],
      ['rarePattern', { contains: '1*1*1', limit: 20 }],
    ] as const) {
      await engine.resetStats();
      const t = performance.now();
      const page = await searchAvailableNumbers(deps, query, at);
      const ms = performance.now() - t;
      const stats = await engine.stats();
      figures[`numbers.search.${label}.requests`] = stats.totalRequests;
      figures[`numbers.search.${label}.itemsRead`] = page.scanned;
      figures[`numbers.search.${label}.results`] = page.items.length;
      figures[`numbers.search.${label}.ms`] = round(ms, 1);
    }

    await engine.resetStats();
    const toReserve = inventory.filter((n) => n.startsWith('4006')).slice(0, 50);
    const t = performance.now();
    for (const [i, number] of toReserve.entries()) await reserveNumber(deps, number, `bench-${i % 10}`, at);
    const stats = await engine.stats();
    figures['numbers.reserve.roundTripsPerReservation'] = round(stats.totalRequests / toReserve.length);
    figures['numbers.reserve.msEach'] = round((performance.now() - t) / toReserve.length, 2);
  } finally {
    await engine.stop();
  }
  return figures;
}
