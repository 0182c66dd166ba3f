/**
 * npm run replay-failures -- --queue-url <CtrIngestFailuresQueueUrl output> --env-file ctr-ingest-env.json
 *   [--max-messages N] [--dry-run]
 *
 * Re-ingests the contact-record batches the ctr-ingest Lambda gave up on (docs/runbook-replay.md says when).
 * It runs the Lambda's own ingest entry in this process, so it needs the Lambda's environment: --env-file is
 * the JSON of `aws lambda get-function-configuration --function-name <ctrIngest> --query Environment.Variables`.
 * AWS credentials and region come from the shell; they need the function role's table and topic access,
 * sqs:ReceiveMessage/DeleteMessage on the queue and kinesis:GetShardIterator/GetRecords on the stream.
 */
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GEO_INDEX_PATH_ENV, GEO_INDEX_REPO_PATH } from '../shared/geo/index-file.js';
import { ReplayError, replayFailures } from './lib/replay.js';
import { kinesisShardReader, loadKinesisSdk, sqsFailureQueue } from './lib/replay-aws.js';

interface Args {
  queueUrl: string;
  envFile?: string;
  maxMessages?: number;
  dryRun: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> = { dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new ReplayError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--queue-url') args.queueUrl = value();
    else if (flag === '--env-file') args.envFile = value();
    else if (flag === '--max-messages') {
      const n = Number(value());
      if (!Number.isSafeInteger(n) || n < 1)
        throw new ReplayError('--max-messages must be a whole number >= 1');
      args.maxMessages = n;
    } else if (flag === '--dry-run') args.dryRun = true;
    else throw new ReplayError(`unknown argument "${flag}"`);
  }
  if (!args.queueUrl || !/^https:\/\/sqs\.[a-z0-9.-]+\/\d{12}\/[\w-]+$/.test(args.queueUrl))
    throw new ReplayError('--queue-url <https://sqs.<region>.amazonaws.com/<account>/<queue>> is required');
  return args as Args;
}

/** The Lambda's environment, set before the ingest module loads (it reads tables and topics at load). */
function useFunctionEnvironment(file: string | undefined): void {
  if (file) {
    const variables = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!variables || typeof variables !== 'object') throw new ReplayError(`${file} is not a JSON object`);
    for (const [name, value] of Object.entries(variables))
      if (typeof value === 'string') process.env[name] = value;
  }
  process.env[GEO_INDEX_PATH_ENV] ??= new URL(`../${GEO_INDEX_REPO_PATH}`, import.meta.url).pathname;
  // The replay reports on stdout; the Lambda's EMF metrics would only clutter it.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

try {
  const args = parseArgs(process.argv.slice(2));
  useFunctionEnvironment(args.envFile);
  if (!args.dryRun && !process.env.TABLE_LEDGER)
    throw new ReplayError(
      'TABLE_LEDGER is not set: pass --env-file with the ctr-ingest function environment',
    );
  const { processContactRecords } = await import('../functions/streams/ctr-ingest.js');
  const report = await replayFailures(
    {
      queue: sqsFailureQueue(new SQSClient({}), args.queueUrl),
      reader: kinesisShardReader(await loadKinesisSdk()),
      ingest: processContactRecords,
    },
    { maxMessages: args.maxMessages, dryRun: args.dryRun },
  );
  for (const m of report.messages)
    console.log(
      `${m.outcome.padEnd(12)} ${m.messageId} ${m.records} records${m.reason ? `: ${m.reason}` : ''}`,
    );
  console.log(`${report.replayed} replayed, ${report.kept} kept, ${report.messages.length} messages`);
  if (report.kept > 0) process.exitCode = 2;
} catch (error) {
  console.error(error instanceof ReplayError ? error.message : error);
  process.exitCode = 1;
}
