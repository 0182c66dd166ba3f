/**
 * Integration-test harness: a fresh embedded engine with every table created, and the environment set so
 * the real adapters (shared/adapters/dynamo/client.ts) talk to it.
 *   const db = await startTestDatabase(); ... await db.stop();
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, tableEnvironment } from '../../infra/local/bootstrap.js';
import { startEngine } from '../../infra/local/dynamo-engine.js';
import { setDynamo } from '../../shared/adapters/dynamo/client.js';

export interface TestDatabase {
  readonly endpoint: string;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startTestDatabase(): Promise<TestDatabase> {
  const engine = await startEngine();
  const prefix = `t${process.pid}-${++counter}-`;
  const env = {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
    ...tableEnvironment(prefix),
  };
  Object.assign(process.env, env);
  setDynamo(undefined);
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'local' });
  await createTables(client, prefix);
  client.destroy();
  return {
    endpoint: engine.endpoint,
    env,
    stop: async () => {
      setDynamo(undefined);
      await engine.close();
    },
  };
}
