/**
 * The fault proxy (test/support/fault-proxy.ts) against the process's real document client: each fault
 * is met by the SDK's own retry, and a lost answer to a transaction is retried with the same
 * ClientRequestToken, which the engine recognises (the write is applied once).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { type FaultProxy, routeDynamoThrough, startFaultProxy } from '../support/fault-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

let db: TestDatabase;
let proxy: FaultProxy;
let restore: () => void;

beforeAll(async () => {
  db = await startTestDatabase();
  proxy = await startFaultProxy(db.endpoint);
  restore = routeDynamoThrough(proxy);
});
afterAll(async () => {
  restore();
  await proxy.close();
  await db.stop();
});
afterEach(() => proxy.clear());

const key = (id: string) => ({ pk: `PROXY#${id}`, sk: 'X' });
const read = async (id: string) =>
  (await dynamo().send(new GetCommand({ TableName: tableName('ops'), Key: key(id), ConsistentRead: true })))
    .Item;
const operations = () =>
  proxy.seen.map((r) => `${r.operation}:${typeof r.fault === 'object' ? 'delay' : r.fault}`);

describe('fault proxy', () => {
  it.each(['throttle', 500, 503, 'reset'] as const)(
    'a %s is retried by the SDK and the write lands',
    async (fault) => {
      proxy.plan('PutItem', fault);
      await dynamo().send(
        new PutCommand({ TableName: tableName('ops'), Item: { ...key(`p-${fault}`), n: 1 } }),
      );
      expect(operations()).toEqual([`PutItem:${fault}`, 'PutItem:pass']);
      expect(await read(`p-${fault}`)).toMatchObject({ n: 1 });
    },
  );

  it('a throttle on every attempt reaches the caller once the SDK gives up', async () => {
    proxy.rule(() => 'throttle');
    await expect(
      dynamo().send(new PutCommand({ TableName: tableName('ops'), Item: { ...key('storm'), n: 1 } })),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    // client.ts: maxAttempts 4.
    expect(proxy.seen).toHaveLength(4);
    proxy.rule(undefined);
    expect(await read('storm')).toBeUndefined();
  });

  it('a conflict answers TransactionCanceledException with TransactionConflict reasons', async () => {
    proxy.plan('TransactWriteItems', 'conflict');
    const error = await dynamo()
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName('ops'), Item: { ...key('c1'), n: 1 } } },
            { Put: { TableName: tableName('ops'), Item: { ...key('c2'), n: 1 } } },
          ],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { name: string; CancellationReasons?: { Code: string }[] },
      );
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(error?.CancellationReasons?.map((r) => r.Code)).toEqual([
      'TransactionConflict',
      'TransactionConflict',
    ]);
    expect(await read('c1')).toBeUndefined();
  });

  it('a transaction whose answer is lost is retried with the same ClientRequestToken and applied once', async () => {
    await dynamo().send(new PutCommand({ TableName: tableName('ops'), Item: { ...key('counter'), n: 0 } }));
    proxy.clear();
    proxy.plan('TransactWriteItems', 'lose-response');
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName('ops'),
              Key: key('counter'),
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      }),
    );
    const tokens = proxy.seen.map((r) => r.body.ClientRequestToken);
    expect(operations()).toEqual(['TransactWriteItems:lose-response', 'TransactWriteItems:pass']);
    expect(tokens[0]).toEqual(expect.any(String));
    expect(tokens[1]).toBe(tokens[0]);
    expect(await read('counter')).toMatchObject({ n: 1 });
  });

  it("a delay past the client's request timeout fails that attempt; the retry lands, and so may the late one", async () => {
    // client.ts sets no request timeout (the SDK's default socket timeout is 300 s), and requestTimeout alone
    // only logs a warning in this SDK: a client with one that throws.
    const impatient = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: proxy.endpoint,
        maxAttempts: 2,
        requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true },
      }),
    );
    proxy.plan('UpdateItem', { delayMs: 400 });
    await impatient.send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: key('late'),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(operations()).toEqual(['UpdateItem:delay', 'UpdateItem:pass']);
    expect(await read('late')).toMatchObject({ n: 1 });
    // The timed-out attempt still reaches the engine: a non-idempotent write lands twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await read('late')).toMatchObject({ n: 2 });
    impatient.destroy();
  });

  it('a delayed answer still arrives; the log shows the fault', async () => {
    proxy.plan('*', { delayMs: 50 });
    const started = performance.now();
    await dynamo().send(new PutCommand({ TableName: tableName('ops'), Item: { ...key('slow'), n: 1 } }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(operations()).toEqual(['PutItem:delay']);
  });
});
