/**
 * npm start: the whole product on this machine. Flags:
 *   --persist[=DIR]   keep the database on disk (default DIR .local-data/db); in memory otherwise
 *   --no-seed         start with empty tables
 * PORT sets the HTTP port (default 3400).
 */
import './local-env.js';
import { resolve } from 'node:path';
import { startLocalRuntime } from './runtime.js';

const args = process.argv.slice(2);
const persistArg = args.find((a) => a === '--persist' || a.startsWith('--persist='));
const persistDir = persistArg
  ? resolve(persistArg.includes('=') ? persistArg.slice('--persist='.length) : '.local-data/db')
  : undefined;
const port = Number.parseInt(process.env.PORT ?? '3400', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}

const startedAt = performance.now();
const runtime = await startLocalRuntime({ port, persistDir, seed: !args.includes('--no-seed') });
const base = runtime.url.replace('127.0.0.1', 'localhost');
console.log(`
hotline400 local runtime ready in ${Math.round(performance.now() - startedAt)} ms
  API         ${base}            OpenAPI: ${base}/openapi.json
  DynamoDB    ${runtime.dynamoEndpoint}   (dynalite, ${persistDir ? `on disk in ${persistDir}` : 'in memory'}, local transactions)
  Connect/SNS local adapters: ${base}/local/connect · ${base}/local/outbox

Get a token (tenant "demo" is seeded; roles: tenant-admin, tenant-viewer, operator):
  TOKEN=$(curl -s -X POST ${base}/local/tokens -H 'content-type: application/json' \\
    -d '{"tenantId":"demo","roles":["tenant-admin"]}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s -H "authorization: Bearer $TOKEN" '${base}/v1/numbers/available?segment=4008&contains=888'

Run a job now, as if at a given instant:
  curl -s -X POST ${base}/local/jobs/<name> -H 'content-type: application/json' -d '{"at":"2027-01-01T00:10:00+08:00"}'
Ctrl-C stops.
`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await runtime.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
